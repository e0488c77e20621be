package org.ppfarm.worker;

import com.sun.net.httpserver.HttpHandler;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import org.ppfarm.gpukernels.GpuFallbackProver;
import org.ppfarm.worker.pipeline.ProvingPipeline;

import java.io.IOException;

/**
 * A worker's Prometheus metrics (client_java 1.x): proofs, failures, skipped jobs, job offers, artifact fetches,
 * stage durations, in-flight and queued jobs, verification failures, GPU health (beside what every node exports,
 * {@link org.ppfarm.farm.health.NodeMetrics}).
 */
final class WorkerMetrics {
    private final Counter proved;
    private final Counter failed;
    private final Counter skipped;
    private final Counter offers;
    private final Counter fetches;
    private final Counter fetchedBytes;
    private final Histogram stage;
    private final PrometheusRegistry registry;

    WorkerMetrics(PrometheusRegistry registry) {
        this.registry = registry;
        proved = Counter.builder().name("ppfarm_worker_proofs_total").help("Verified proofs made").labelNames("circuit").register(registry);
        failed = Counter.builder().name("ppfarm_worker_failures_total").help("Jobs failed by this worker").labelNames("reason").register(registry);
        skipped = Counter.builder().name("ppfarm_worker_skipped_total").help("Jobs skipped because already finished or cancelled").register(registry);
        offers = Counter.builder().name("ppfarm_worker_job_offers_total").help("Jobs coordinators offered directly, by whether taken")
                .labelNames("taken").register(registry);
        fetches = Counter.builder().name("ppfarm_worker_artifact_fetches_total")
                .help("Circuit artifacts fetched from a coordinator (cache hits not counted), by outcome: ok, unavailable, "
                        + "hash_mismatch, cache_error").labelNames("outcome").register(registry);
        fetchedBytes = Counter.builder().name("ppfarm_worker_artifact_fetch_bytes_total").unit(Unit.BYTES)
                .help("Bytes of circuit artifacts received from coordinators").register(registry);
        stage = Histogram.builder().name("ppfarm_worker_stage_seconds").unit(Unit.SECONDS).help("Duration of witness, prove_wait (for a proving slot), prove and verify")
                .labelNames("stage").register(registry);
    }

    /**
     * Serves the registry's metrics on {@code host:port} at /metrics (port 0: a free one), every other path to
     * {@code health} (/live, /ready); the caller closes it.
     */
    HTTPServer serve(String host, int port, HttpHandler health) throws IOException {
        return HTTPServer.builder().hostname(host).port(port).registry(registry).defaultHandler(health).buildAndStart();
    }

    /** Registers the gauges of the prover pool's jobs: in flight and queued. */
    void watch(ProverPool pool) {
        GaugeWithCallback.builder().name("ppfarm_worker_inflight").help("Jobs being proved")
                .callback(cb -> cb.call(pool.inFlight())).register(registry);
        GaugeWithCallback.builder().name("ppfarm_worker_queued").help("Jobs fetched and waiting for a prover")
                .callback(cb -> cb.call(pool.queued())).register(registry);
    }

    /**
     * Registers the prover's verification failures by backend (every backend exported from the start, at 0) and, with
     * a GPU, the GPU's health (1 healthy, 0 after a fault: jobs prove on the CPU) and its fault count.
     */
    void watch(GpuFallbackProver gpu) {
        CounterWithCallback.builder().name("ppfarm_worker_verification_failures")
                .help("Jobs whose proof failed the worker's own verification, by the backend blamed (a GPU's proof only when "
                        + "the CPU's proof of the same witness verified; the CPU's count includes unsatisfiable witnesses)")
                .labelNames("backend").callback(cb -> gpu.verificationFailures().forEach((backend, n) -> cb.call(n, backend)))
                .register(registry);
        if (!gpu.hasGpu()) return;
        GaugeWithCallback.builder().name("ppfarm_gpu_healthy").help("1 while jobs prove on the GPU, 0 once it failed a job")
                .callback(cb -> cb.call(gpu.healthy() ? 1 : 0)).register(registry);
        CounterWithCallback.builder().name("ppfarm_gpu_faults").help("GPU attempts that failed (CUDA error, lost device, invalid proof); each job was proved on the CPU")
                .callback(cb -> cb.call(gpu.faults())).register(registry);
    }

    void proved(String circuit, ProvingPipeline.Output p) {
        proved.labelValues(circuit).inc();
        stage.labelValues("witness").observe(p.witnessNanos() / 1e9);
        stage.labelValues("prove_wait").observe(p.proveWaitNanos() / 1e9);
        stage.labelValues("prove").observe(p.proveNanos() / 1e9);
        stage.labelValues("verify").observe(p.verifyNanos() / 1e9);
    }

    void failed(String reason) { failed.labelValues(reason).inc(); }

    void skipped() { skipped.inc(); }

    /** One artifact fetch from a coordinator and the bytes it received. */
    void fetched(String outcome, long bytes) {
        fetches.labelValues(outcome).inc();
        fetchedBytes.inc(bytes);
    }

    void offer(boolean taken) { offers.labelValues(Boolean.toString(taken)).inc(); }

    /** Proofs made so far, every circuit. */
    long proofs() { return (long) proved.collect().getDataPoints().stream().mapToDouble(d -> d.getValue()).sum(); }

    /** Offers taken so far. */
    long offersTaken() { return (long) offers.labelValues("true").get(); }
}
