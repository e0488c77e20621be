package org.ppfarm.bench;

import org.ppfarm.client.FarmClient;
import org.ppfarm.client.RetryPolicy;
import org.ppfarm.proto.v1.CircuitRef;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobStatus;
import org.ppfarm.proto.v1.SubmitRequest;
import org.ppfarm.embedded.EmbeddedFarm;
import org.ppfarm.coordinator.inputs.PoolProtocolInputs;
import org.ppfarm.worker.pipeline.EnginePipeline;
import org.ppfarm.worker.pipeline.ProvingPipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Farm benchmarks on the embedded farm (one process: KRaft broker, coordinator, worker, and this client), with the
 * commitment circuit:
 * <ul>
 *   <li>{@code overhead [--jobs N] [--rate R] [--pipeline engine|cached] [--warmup W] [--notices local|remote|off]}: W
 *       warm-up jobs (default 200), then an open-loop load of R jobs/s (below saturation) through Prove; per job, farm
 *       overhead = end-to-end latency at the client minus the worker's in-process witness + prove + verify time.
 *       Prints p50 and p99, the broker's requests and each group of threads' CPU time per job, and the p50 and p99 of
 *       {@value #PROBES} GetJob calls {@value #PROBE_GAP_MS} ms apart: one API round trip on its own. {@code --notices} ({@link EmbeddedFarm.Notices}, default local): how jobs reach the worker and
 *       results the coordinator besides Kafka (job offers and result notices: local messages, Artery, or off).</li>
 *   <li>{@code dispatch [--jobs N] [--concurrency C] [--workers W] [--batch B] [--prefetch P] [--warmup W] [--notices ...]}: proving replaced by an instant verifier-checked
 *       cached proof ({@link CachedProofPipeline}, labelled as such): how many jobs per second the farm dispatches,
 *       and the process's CPU time per job (broker, farm and client together), which neighbours on a shared machine
 *       disturb far less than the rate, and the embedded broker's requests per job by API (its {@code RequestsPerSec}
 *       meters). {@code -Dppfarm.bench.jfr=FILE} records a CPU-time profile (JFR
 *       {@code jdk.CPUTimeSample}) of the measured round into FILE; {@code -Dppfarm.bench.threads=true} prints its
 *       CPU per job by thread group. {@code --batch 1} (default) submits each job with one Prove call; {@code --batch B} sends B jobs per SubmitBatch call that waits for their results, still
 *       C jobs in flight. {@code --prefetch P}: the worker's {@code worker.prefetch} (default max(8, W)), how many jobs it
 *       fetches ahead: with instant proofs a larger window means fewer, fuller fetches and event batches.
 *       {@code --warmup W}: jobs of the unmeasured first round (default 2000, as the recorded figures were made; the
 *       JIT compiler is still busy after it: the process CPU beyond the listed threads' total is mostly its compiler
 *       threads, which a farm at steady load no longer runs).
 *       {@code --keys on}: every batched job carries an idempotency key, as the client library adds when it may retry
 *       (default off, as the recorded figures were made).</li>
 *   <li>Both take {@code --secure on}: the farm secured as {@code ppfarm up --secure} runs it (TLS on the API, an API
 *       key, only sealed inputs; Kafka over SASL_SSL, cluster and artifacts port on mutual TLS), and this client
 *       seals every input to the workers' key, job by job, as {@code FarmClient.sealInputs} does (issue 16). Or
 *       {@code --secure} with a comma-separated list of layers, to measure each one's cost alone: {@code api} (TLS on
 *       the API), {@code key} (API keys required), {@code seal} (only sealed inputs taken; this client seals),
 *       {@code kafka} (SASL_SSL), {@code cluster} (Artery and the artifacts port on mutual TLS).</li>
 * </ul>
 */
public final class FarmBench {
    private FarmBench() {}

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "overhead";
        int jobs = intOpt(args, "--jobs", mode.equals("dispatch") ? 20_000 : 100);
        switch (mode) {
            case "overhead" -> overhead(jobs, Double.parseDouble(opt(args, "--rate", "1")),
                    opt(args, "--pipeline", "engine"), intOpt(args, "--warmup", 200), notices(args), secure(args));
            case "dispatch" -> dispatch(jobs, intOpt(args, "--concurrency", 512), intOpt(args, "--workers", 32), intOpt(args, "--batch", 1),
                    intOpt(args, "--prefetch", 0), intOpt(args, "--warmup", 2000), notices(args), opt(args, "--keys", "off").equals("on"), secure(args));
            default -> throw new IllegalArgumentException("usage: FarmBench overhead|dispatch [options]");
        }
    }

    static SubmitRequest job(long i) {
        return SubmitRequest.newBuilder().setCircuit(CircuitRef.newBuilder().setName("commitment"))
                .setInputJson("{\"value\":\"" + (1000 + i) + "\",\"label\":\"" + (7 + i) + "\",\"nullifier\":\""
                        + (123456789L + i) + "\",\"secret\":\"" + (987654321L + i) + "\"}").build();
    }

    /** One Prove call, through the client library: with a secured farm's client the input is sealed here, per job. */
    static CompletableFuture<Job> prove(FarmClient c, SubmitRequest r) {
        return c.proveAsync(r, java.time.Duration.ofMinutes(30));
    }

    /** The names {@code --secure} takes for each layer of a secured farm. */
    static final Map<String, EmbeddedFarm.Layer> LAYERS = Map.of("api", EmbeddedFarm.Layer.API_TLS, "key", EmbeddedFarm.Layer.API_KEYS,
            "seal", EmbeddedFarm.Layer.SEALED_INPUTS, "kafka", EmbeddedFarm.Layer.KAFKA, "cluster", EmbeddedFarm.Layer.CLUSTER);

    /** {@code --secure}: off (default), on (every layer), or a comma-separated list of {@link #LAYERS}. */
    static Set<EmbeddedFarm.Layer> secure(String[] args) {
        String v = opt(args, "--secure", "off");
        if (v.equals("off")) return EnumSet.noneOf(EmbeddedFarm.Layer.class);
        if (v.equals("on")) return EnumSet.allOf(EmbeddedFarm.Layer.class);
        Set<EmbeddedFarm.Layer> layers = EnumSet.noneOf(EmbeddedFarm.Layer.class);
        for (String name : v.split(",")) {
            EmbeddedFarm.Layer l = LAYERS.get(name.strip());
            if (l == null) throw new IllegalArgumentException("--secure: on, off or a list of " + new TreeSet<>(LAYERS.keySet()) + ", not '" + name + "'");
            layers.add(l);
        }
        return layers;
    }

    /**
     * A client of {@code farm} whose responses come on the transport's threads, with what its security layers ask:
     * TLS to its CA, its first tenant's API key, every input sealed to its workers' key (pinned by fingerprint).
     */
    static FarmClient.Builder client(EmbeddedFarm farm) {
        FarmClient.Builder b = FarmClient.builder(farm.address()).directExecutor();
        if (farm.security().contains(EmbeddedFarm.Layer.API_TLS)) b.tls(farm.caFile());
        if (farm.security().contains(EmbeddedFarm.Layer.API_KEYS)) b.apiKey(farm.apiKey());
        if (farm.security().contains(EmbeddedFarm.Layer.SEALED_INPUTS)) b.sealInputs(farm.sealKeyFingerprint());
        return b;
    }

    static String security(Set<EmbeddedFarm.Layer> layers) {
        if (layers.isEmpty()) return "plaintext";
        List<String> parts = new ArrayList<>();
        if (layers.contains(EmbeddedFarm.Layer.API_TLS)) parts.add("TLS");
        if (layers.contains(EmbeddedFarm.Layer.API_KEYS)) parts.add("API key");
        if (layers.contains(EmbeddedFarm.Layer.SEALED_INPUTS)) parts.add("inputs sealed by the client");
        if (layers.contains(EmbeddedFarm.Layer.KAFKA)) parts.add("Kafka SASL_SSL");
        if (layers.contains(EmbeddedFarm.Layer.CLUSTER)) parts.add("cluster mTLS");
        return "secured (" + String.join(", ", parts) + ")";
    }

    /** GetJob calls after an overhead run, and the idle gap before each. */
    static final int PROBES = 100, PROBE_GAP_MS = 50;

    static void overhead(int jobs, double rate, String pipeline, int warm, EmbeddedFarm.Notices notices, Set<EmbeddedFarm.Layer> secure) throws Exception {
        ProvingPipeline.Factory pipelines = switch (pipeline) {
            case "engine" -> null; // the embedded farm's engine, with the worker's default settings
            case "cached" -> new CachedProofPipeline.Factory(cachedProof());
            default -> throw new IllegalArgumentException("--pipeline: engine or cached, not '" + pipeline + "'");
        };
        try (EmbeddedFarm farm = EmbeddedFarm.start(new EmbeddedFarm.Options(0, null, null, pipelines, 1,
                PoolProtocolInputs.INSTANCE, 0, notices).secured(secure));
             FarmClient c = client(farm).retry(RetryPolicy.NONE).build()) {
            // warm-up: the circuit's load, and the JIT. A farm at steady load has run its per-job code paths (gRPC,
            // Kafka clients, actors) thousands of times; 5 warm-up jobs left them interpreted, which alone added
            // ~15 ms per job. Four at a time so the coordinator-side paths see some concurrency too.
            for (int i = 0; i < warm; i += 4) {
                List<CompletableFuture<Job>> w = new ArrayList<>();
                for (int k = 0; k < 4; k++) w.add(prove(c, job(1_000_000 + i + k)));
                for (var f : w) f.get();
            }
            long[] overheadMicros = new long[jobs], e2eMicros = new long[jobs], inProcess = new long[jobs];
            long[] queued = new long[jobs], after = new long[jobs];
            List<CompletableFuture<Void>> all = new ArrayList<>();
            Map<String, Long> req0 = brokerRequests();
            Map<Long, ThreadCpu> cpu0 = threadCpu();
            long start = System.nanoTime(), periodNanos = (long) (1e9 / rate);
            for (int i = 0; i < jobs; i++) {
                long due = start + i * periodNanos;
                while (System.nanoTime() < due) Thread.sleep(Math.max(0, (due - System.nanoTime()) / 1_000_000), 0);
                int k = i;
                long t0 = System.nanoTime();
                all.add(prove(c, job(k)).thenAccept(j -> {
                    long tEnd = System.nanoTime();
                    long e2e = (tEnd - t0) / 1000;
                    var t = j.getResult().getTimings();
                    long work = t.getWitnessMicros() + t.getProveMicros() + t.getVerifyMicros();
                    e2eMicros[k] = e2e;
                    inProcess[k] = work;
                    overheadMicros[k] = e2e - work;
                    queued[k] = t.getQueuedMicros();
                    after[k] = e2e - work - t.getQueuedMicros();
                }));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get();
            Map<String, Long> req1 = brokerRequests();
            Map<Long, ThreadCpu> cpu1 = threadCpu();
            // the API's own share: one unary round trip (gRPC both ways, the API key's check, the tracker's answer,
            // a response the size of Prove's) after an idle gap, as a job's calls see it
            long[] probe = new long[PROBES];
            String jobId = prove(c, job(jobs)).get().getJobId();
            for (int i = 0; i < PROBES; i++) {
                Thread.sleep(PROBE_GAP_MS);
                long t0 = System.nanoTime();
                c.get(jobId);
                probe[i] = (System.nanoTime() - t0) / 1000;
            }
            System.out.printf("overhead: %d jobs at %.1f jobs/s, pipeline %s, %s, result notices and job offers %s (%d notices received, "
                    + "%d jobs offered)%n", jobs, rate, pipeline, security(secure), notices.name().toLowerCase(java.util.Locale.ROOT),
                    farm.coordinator().resultNotices(), farm.coordinator().jobOffers());
            System.out.printf("  end-to-end     p50 %8.2f ms  p99 %8.2f ms%n", pct(e2eMicros, 50), pct(e2eMicros, 99));
            System.out.printf("  in-process     p50 %8.2f ms  p99 %8.2f ms  (witness + prove + verify on the worker)%n", pct(inProcess, 50), pct(inProcess, 99));
            System.out.printf("  farm overhead  p50 %8.2f ms  p99 %8.2f ms%n", pct(overheadMicros, 50), pct(overheadMicros, 99));
            System.out.printf("    of which queued (submitted -> a worker starts it, ms clock)  p50 %8.2f ms%n", pct(queued, 50));
            System.out.printf("    of which the rest (open input, result event -> coordinator -> client)  p50 %8.2f ms%n", pct(after, 50));
            System.out.println("  broker requests per job (background polls included): " + perJob(req0, req1, jobs));
            System.out.println("  thread CPU per job, µs (threads grouped by name, digits as #; the rest of this process under 'other'):");
            System.out.println(cpuPerJob(cpu0, cpu1, jobs, THREAD_GROUPS));
            System.out.printf("  a GetJob call   p50 %8.2f ms  p99 %8.2f ms  (%d calls, %d ms apart: the API's round trip, its answer the size of Prove's)%n",
                    pct(probe, 50), pct(probe, 99), PROBES, PROBE_GAP_MS);
        }
    }

    static EmbeddedFarm.Notices notices(String[] args) {
        return EmbeddedFarm.Notices.valueOf(opt(args, "--notices", "local").toUpperCase(java.util.Locale.ROOT));
    }

    /**
     * @param keys whether SubmitBatch jobs carry idempotency keys, as the client library adds them when it may retry
     *             (off by default: the figures recorded before the client library sent none)
     */
    static void dispatch(int jobs, int concurrency, int workers, int batch, int prefetch, int warmup, EmbeddedFarm.Notices notices,
                         boolean keys, Set<EmbeddedFarm.Layer> secure) throws Exception {
        if (batch < 1 || batch > concurrency) throw new IllegalArgumentException("--batch must be between 1 and --concurrency");
        try (EmbeddedFarm farm = EmbeddedFarm.start(new EmbeddedFarm.Options(0, null, null,
                new CachedProofPipeline.Factory(cachedProof()), workers, PoolProtocolInputs.INSTANCE, prefetch, notices).secured(secure));
             FarmClient c = client(farm).retry(keys ? RetryPolicy.DEFAULT : RetryPolicy.NONE).build()) {
            for (int round = 0; round < 2; round++) { // the first round warms the JIT
                int n = round == 0 ? Math.min(jobs, warmup) : jobs;
                Semaphore inFlight = new Semaphore(concurrency);
                AtomicInteger ok = new AtomicInteger();
                List<CompletableFuture<Void>> all = new ArrayList<>(n);
                jdk.jfr.Recording rec = null;
                if (round == 1 && System.getProperty("ppfarm.bench.jfr") != null) {
                    rec = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
                    rec.enable("jdk.CPUTimeSample").with("throttle", "2ms");
                    rec.start();
                }
                Map<String, Long> req0 = brokerRequests();
                Map<Long, ThreadCpu> threads0 = threadCpu();
                long t0 = System.nanoTime(), cpu0 = processCpuNanos();
                if (batch == 1) for (int i = 0; i < n; i++) {
                    inFlight.acquire();
                    all.add(prove(c, job(i)).handle((j, e) -> {
                        inFlight.release();
                        if (e == null && succeeded(j)) ok.incrementAndGet();
                        return null;
                    }));
                }
                else for (int i = 0; i < n; i += batch) {
                    // one SubmitBatch that waits for its jobs' results: --concurrency jobs in flight, in batches
                    int size = Math.min(batch, n - i);
                    List<SubmitRequest> b = new ArrayList<>(size);
                    for (int k = 0; k < size; k++) b.add(job(i + k));
                    inFlight.acquire(size);
                    all.add(c.submitBatchAsync(b, true, java.time.Duration.ofSeconds(1800)).handle((r, e) -> {
                        inFlight.release(size);
                        if (e == null) for (var res : r.getResultsList()) if (succeeded(res.getJob())) ok.incrementAndGet();
                        return null;
                    }));
                }
                CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get();
                double s = (System.nanoTime() - t0) / 1e9, cpuMs = (processCpuNanos() - cpu0) / 1e6;
                if (rec != null) { rec.stop(); rec.dump(java.nio.file.Path.of(System.getProperty("ppfarm.bench.jfr"))); rec.close(); }
                if (round == 1 || jobs <= warmup)
                    System.out.printf("dispatch (proving replaced by an instant verifier-checked cached proof), " + security(secure) + ", result notices " + notices.name().toLowerCase(java.util.Locale.ROOT) + ", %s: %d jobs (%d succeeded) "
                            + "in %.2f s = %.0f jobs/s, %d in flight, %d worker threads, worker prefetch %d; process CPU %.0f µs per job (%.2f cores busy; "
                            + "the machine has %d)%n", batch == 1 ? "one Prove call per job" : "SubmitBatch of " + batch + " jobs (waiting for results)",
                            n, ok.get(), s, n / s, concurrency, workers, prefetch > 0 ? prefetch : Math.max(8, workers), cpuMs * 1000 / n, cpuMs / 1000 / s,
                            Runtime.getRuntime().availableProcessors());
                if (round == 1 || jobs <= warmup) System.out.println("  broker requests per job: " + perJob(req0, brokerRequests(), n));
                if (round == 1 && Boolean.getBoolean("ppfarm.bench.threads")) System.out.println("  CPU µs per job by thread group:\n" + cpuPerJob(threads0, threadCpu(), n, THREAD_GROUPS));
            }
        }
    }

    /** Threads shown by name in the CPU breakdown; the rest are summed as "other". */
    static final int THREAD_GROUPS = 16;

    record ThreadCpu(String name, long nanos) {}

    /** The CPU time of every live thread of this process, by thread id. */
    static Map<Long, ThreadCpu> threadCpu() {
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        Map<Long, ThreadCpu> out = new java.util.HashMap<>();
        for (var info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info == null) continue;
            long cpu = mx.getThreadCpuTime(info.getThreadId());
            if (cpu >= 0) out.put(info.getThreadId(), new ThreadCpu(info.getThreadName(), cpu));
        }
        return out;
    }

    /**
     * The CPU each group of threads (same name up to its numbers) used between two snapshots, per job, largest first:
     * the proving threads' share beside the broker's, the Kafka clients', gRPC's and the actors' — what the layers of
     * security add to each. A thread that started in between counts from zero; one that ended is missed.
     */
    static String cpuPerJob(Map<Long, ThreadCpu> before, Map<Long, ThreadCpu> after, int jobs, int shown) {
        Map<String, Long> byGroup = new java.util.HashMap<>();
        after.forEach((id, t) -> {
            ThreadCpu b = before.get(id);
            long d = t.nanos() - (b == null ? 0 : b.nanos());
            if (d > 0) byGroup.merge(t.name().replaceAll("[0-9]+", "#"), d, Long::sum);
        });
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(byGroup.entrySet());
        sorted.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        StringBuilder s = new StringBuilder();
        long total = 0, other = 0;
        for (int i = 0; i < sorted.size(); i++) {
            long v = sorted.get(i).getValue();
            total += v;
            if (i < shown) s.append(String.format("    %9.0f  %s%n", v / 1e3 / jobs, sorted.get(i).getKey()));
            else other += v;
        }
        s.append(String.format("    %9.0f  other (%d groups)%n", other / 1e3 / jobs, Math.max(0, sorted.size() - shown)));
        s.append(String.format("    %9.0f  total", total / 1e3 / jobs));
        return s.toString();
    }

    /** Requests the embedded broker has handled so far, by API (its {@code RequestsPerSec} meters' counts). */
    static Map<String, Long> brokerRequests() throws Exception {
        var server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        Map<String, Long> out = new TreeMap<>();
        for (var name : server.queryNames(new javax.management.ObjectName("kafka.network:type=RequestMetrics,name=RequestsPerSec,*"), null))
            out.merge(name.getKeyProperty("request"), (Long) server.getAttribute(name, "Count"), Long::sum);
        return out;
    }

    static String perJob(Map<String, Long> before, Map<String, Long> after, int jobs) {
        StringBuilder s = new StringBuilder();
        after.forEach((api, n) -> {
            double d = (double) (n - before.getOrDefault(api, 0L)) / jobs;
            if (d >= 0.001) s.append(String.format("%s %.3f  ", api, d));
        });
        return s.toString().trim();
    }

    static boolean succeeded(Job j) {
        return j.getStatus() == JobStatus.JOB_STATUS_SUCCEEDED && j.getResult().getBackend().equals(CachedProofPipeline.BACKEND);
    }

    /**
     * One real commitment proof made by the engine pipeline, for the dispatch benchmark's cache; in the directory
     * {@code -Dppfarm.bench.proof.dir} names, if set, made there once and reused by later runs (saves a farm's start).
     */
    static Path cachedProof() throws Exception {
        String reuse = System.getProperty("ppfarm.bench.proof.dir");
        if (reuse != null && Files.isRegularFile(Path.of(reuse, "public.json"))) return Path.of(reuse);
        Path dir = reuse != null ? Files.createDirectories(Path.of(reuse)) : Files.createTempDirectory("ppfarm-cached-proof-");
        try (EmbeddedFarm farm = EmbeddedFarm.start(new EmbeddedFarm.Options(0, null, null, null, 1, PoolProtocolInputs.INSTANCE));
             FarmClient c = FarmClient.connectDirect(farm.address())) {
            Job j = prove(c, job(0)).get();
            Files.writeString(dir.resolve("proof.json"), j.getResult().getProofJson());
            Files.writeString(dir.resolve("public.json"), j.getResult().getPublicJson());
        }
        return dir;
    }

    /** CPU time of this whole process (broker, farm and client), all threads. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static double pct(long[] micros, double p) {
        long[] s = micros.clone();
        Arrays.sort(s);
        return s[(int) Math.min(s.length - 1, Math.ceil(p / 100.0 * s.length) - 1)] / 1000.0;
    }

    static String opt(String[] a, String name, String def) {
        for (int i = 0; i + 1 < a.length; i++) if (a[i].equals(name)) return a[i + 1];
        return def;
    }

    static int intOpt(String[] a, String name, int def) { return Integer.parseInt(opt(a, name, Integer.toString(def))); }
}
