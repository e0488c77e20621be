package org.ppfarm.coordinator.metrics;

import com.google.protobuf.util.Timestamps;
import io.grpc.Status;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import org.ppfarm.coordinator.jobs.QueuedJobs;
import org.ppfarm.coordinator.jobs.UsageLedger;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobStatus;
import org.ppfarm.proto.v1.Priority;

import java.time.Clock;

/**
 * The coordinator's Prometheus metrics (client_java 1.x): submissions, refusals by reason, finished jobs by status,
 * failed jobs by error code, result notices received, job offers made, submit latency, end-to-end job latency and
 * the queued stage's latency (the workers export the witness, prove and verify stages), queued jobs and the oldest
 * one's age per priority, proofs and proving seconds (CPU and wall clock) per tenant (beside what every node exports,
 * {@link org.ppfarm.farm.health.NodeMetrics}). Thread-safe.
 */
public final class FarmMetrics {
    private final Counter submitted;
    private final Counter refused;
    private final Counter finished;
    private final Counter failed;
    private final Counter noticed;
    private final Counter offered;
    private final Counter authFailures;
    private final Counter tenantProofs;
    private final Counter tenantWitnessSeconds;
    private final Counter tenantProveSeconds;
    private final Counter tenantWitnessCpuSeconds;
    private final Counter tenantProveCpuSeconds;
    private final Histogram submitSeconds;
    private final Histogram jobSeconds;
    private final Histogram queuedSeconds;
    private final PrometheusRegistry registry;

    public FarmMetrics(PrometheusRegistry registry) {
        this.registry = registry;
        submitted = Counter.builder().name("ppfarm_jobs_submitted_total").help("Jobs accepted and enqueued")
                .labelNames("circuit").register(registry);
        refused = Counter.builder().name("ppfarm_jobs_refused_total").help("Submissions refused before enqueueing")
                .labelNames("reason").register(registry);
        finished = Counter.builder().name("ppfarm_jobs_finished_total").help("Jobs that reached a terminal state")
                .labelNames("status").register(registry);
        failed = Counter.builder().name("ppfarm_jobs_failed_total")
                .help("Jobs that failed, by their error's gRPC status code (e.g. invalid_argument, deadline_exceeded)")
                .labelNames("code").register(registry);
        noticed = Counter.builder().name("ppfarm_result_notices_total")
                .help("Terminal events workers told this coordinator's result inbox directly (beside Kafka)").register(registry);
        offered = Counter.builder().name("ppfarm_job_offers_total")
                .help("Jobs offered straight to an idle worker over the cluster (beside their Kafka record)").register(registry);
        authFailures = Counter.builder().name("ppfarm_auth_failures_total")
                .help("Prover calls refused for their API key or right, by reason (missing, malformed, unknown_tenant, "
                        + "wrong_key, revoked, denied)").labelNames("reason").register(registry);
        // one coordinator counts each job (see finished): the sum over the farm's coordinators is the farm's usage
        tenantProofs = Counter.builder().name("ppfarm_tenant_proofs_total")
                .help("Jobs a worker finished, by tenant, circuit, backend (empty for failures) and outcome (succeeded, failed)")
                .labelNames("tenant", "circuit", "backend", "outcome").register(registry);
        tenantWitnessSeconds = Counter.builder().name("ppfarm_tenant_witness_seconds_total").unit(Unit.SECONDS)
                .help("Workers' wall-clock witness time of succeeded jobs, by tenant, circuit and backend")
                .labelNames("tenant", "circuit", "backend").register(registry);
        tenantProveSeconds = Counter.builder().name("ppfarm_tenant_prove_seconds_total").unit(Unit.SECONDS)
                .help("Workers' wall-clock prove time of succeeded jobs, by tenant, circuit and backend (cuda:N: GPU-seconds)")
                .labelNames("tenant", "circuit", "backend").register(registry);
        tenantWitnessCpuSeconds = Counter.builder().name("ppfarm_tenant_witness_cpu_seconds_total").unit(Unit.SECONDS)
                .help("CPU time the workers' operating system measured for the witness of succeeded jobs, by tenant, circuit and backend")
                .labelNames("tenant", "circuit", "backend").register(registry);
        tenantProveCpuSeconds = Counter.builder().name("ppfarm_tenant_prove_cpu_seconds_total").unit(Unit.SECONDS)
                .help("CPU time the workers' operating system measured for proving and verifying succeeded jobs, over every "
                        + "thread that worked on each (a batch's split evenly over its jobs), by tenant, circuit and backend")
                .labelNames("tenant", "circuit", "backend").register(registry);
        submitSeconds = Histogram.builder().name("ppfarm_submit_seconds").unit(Unit.SECONDS)
                .help("Time to validate, seal and durably enqueue a job").register(registry);
        jobSeconds = Histogram.builder().name("ppfarm_job_seconds").unit(Unit.SECONDS)
                .help("Submission to terminal state").register(registry);
        queuedSeconds = Histogram.builder().name("ppfarm_job_queued_seconds").unit(Unit.SECONDS)
                .help("Durable submission to the worker that proved it starting it, of succeeded jobs (the result's "
                        + "queued timing)").register(registry);
    }

    /**
     * Registers the queue's gauges per priority (label {@code low}, {@code normal}, {@code high}): jobs QUEUED, and
     * {@code clock}'s now minus the oldest one's submission time (0 when none is queued). Read at each scrape from
     * {@code queued}'s published values, never from the tracker's state.
     */
    public void watch(QueuedJobs queued, Clock clock) {
        GaugeWithCallback.builder().name("ppfarm_jobs_queued")
                .help("Jobs in QUEUED state as this coordinator knows them (every job of the farm), by priority")
                .labelNames("priority").callback(cb -> {
                    for (Priority p : QueuedJobs.PRIORITIES) cb.call(queued.count(p), label(p));
                }).register(registry);
        GaugeWithCallback.builder().name("ppfarm_jobs_oldest_queued_age_seconds").unit(Unit.SECONDS)
                .help("Time since the oldest QUEUED job was submitted, by priority; 0 when none is queued")
                .labelNames("priority").callback(cb -> {
                    long now = clock.millis();
                    for (Priority p : QueuedJobs.PRIORITIES) {
                        long oldest = queued.oldestSubmittedAt(p);
                        cb.call(oldest == 0 ? 0 : Math.max(0, now - oldest) / 1e3, label(p));
                    }
                }).register(registry);
    }

    /** A priority's label value: {@code low}, {@code normal}, {@code high}. */
    private static String label(Priority p) { return p.name().substring("PRIORITY_".length()).toLowerCase(); }

    public void submitted(String circuit, long nanos) {
        submitted.labelValues(circuit).inc();
        submitSeconds.observe(nanos / 1e9);
    }

    public void refused(String reason) { refused.labelValues(reason).inc(); }

    public void noticed() { noticed.inc(); }

    public void authFailed(String reason) { authFailures.labelValues(reason).inc(); }

    /** Calls refused for {@code reason} so far. */
    public long authFailures(String reason) { return (long) authFailures.labelValues(reason).get(); }

    /** Jobs of {@code tenant} this coordinator counted as finished by a worker ({@code ppfarm_tenant_proofs_total}). */
    public long tenantProofs(String tenant, String circuit, String backend, String outcome) {
        return (long) tenantProofs.labelValues(tenant, circuit, backend, outcome).get();
    }

    public void offered() { offered.inc(); }

    /** Jobs offered to workers so far. */
    public long offers() { return (long) offered.get(); }

    /** Result notices received so far. */
    public long notices() { return (long) noticed.get(); }

    /**
     * Counts a job that reached its terminal state. Called by the coordinator whose events follower writes that state
     * to the state topic (once per job, whichever way its result arrived first), so the per-tenant usage counters
     * summed over the farm's coordinators count each job once (more only if the events topic is re-read after a
     * rebalance: at least once).
     */
    public void finished(Job job) {
        UsageLedger.Use u = UsageLedger.of(job);
        if (u != null) {
            tenantProofs.labelValues(u.tenant(), u.circuit(), u.backend(), u.succeeded() ? "succeeded" : "failed").inc();
            if (u.succeeded()) {
                tenantWitnessSeconds.labelValues(u.tenant(), u.circuit(), u.backend()).inc(u.witnessWallSeconds());
                tenantProveSeconds.labelValues(u.tenant(), u.circuit(), u.backend()).inc(u.proveWallSeconds());
                tenantWitnessCpuSeconds.labelValues(u.tenant(), u.circuit(), u.backend()).inc(u.witnessCpuSeconds());
                tenantProveCpuSeconds.labelValues(u.tenant(), u.circuit(), u.backend()).inc(u.proveCpuSeconds());
            }
        }
        finished.labelValues(job.getStatus().name().substring("JOB_STATUS_".length()).toLowerCase()).inc();
        if (job.getStatus() == JobStatus.JOB_STATUS_FAILED)
            failed.labelValues(Status.fromCodeValue(job.getError().getCode()).getCode().name().toLowerCase()).inc();
        if (job.hasSubmittedAt() && job.hasFinishedAt())
            jobSeconds.observe(Timestamps.toMillis(job.getFinishedAt()) / 1e3 - Timestamps.toMillis(job.getSubmittedAt()) / 1e3);
        if (job.getStatus() == JobStatus.JOB_STATUS_SUCCEEDED && job.getResult().hasTimings())
            queuedSeconds.observe(job.getResult().getTimings().getQueuedMicros() / 1e6);
    }
}
