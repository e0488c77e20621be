package org.ppfarm.coordinator.jobs;

import com.google.protobuf.util.Timestamps;
import org.ppfarm.farm.jobs.JobStates;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobStatus;
import org.ppfarm.proto.v1.StageTimings;
import org.ppfarm.proto.v1.UsageRow;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Proofs and proving time (CPU, GPU and wall-clock seconds) per tenant, circuit and backend, over every job whose
 * terminal state this coordinator has learnt: its state-topic replay at start (the compacted topic keeps every job's
 * last state), then every change. Every coordinator therefore holds the same farm-wide figures, for
 * {@code GetUsage}; the Prometheus counters are counted by one coordinator per job instead
 * ({@link org.ppfarm.coordinator.metrics.FarmMetrics#finished}). The
 * {@link JobTracker} keeps it as jobs reach a terminal state; a job is counted when its state first becomes terminal
 * at this coordinator (so once, unless a terminal state of it arrives again after the tracker forgot it,
 * {@code jobs.finished.retain.ms} later: at least once).
 *
 * <p>{@link #change} runs on the tracker's thread only; {@link #rows} and {@link #since} are safe from any thread.
 */
public final class UsageLedger {
    /**
     * What one finished job adds to its row: CPU seconds as the worker's operating system measured them (the
     * witness's, and proving's with its verification over every thread that worked on it), and the stages' wall-clock
     * seconds (on a GPU backend the prove's is its GPU-seconds).
     */
    public record Use(String tenant, String circuit, String backend, boolean succeeded, double witnessCpuSeconds, double proveCpuSeconds,
                      double witnessWallSeconds, double proveWallSeconds) {
        /** Whether the prove ran on a GPU (a CUDA backend, "cuda:N"). */
        public boolean gpu() { return backend.startsWith("cuda:"); }
    }

    /**
     * What {@code job}, terminal, adds to usage; null if it was not proved by a worker (cancelled, expired). The
     * seconds are the result's {@link StageTimings}; a failure reports no backend and no timings.
     */
    public static Use of(Job job) {
        boolean ok = job.getStatus() == JobStatus.JOB_STATUS_SUCCEEDED;
        if (!ok && job.getStatus() != JobStatus.JOB_STATUS_FAILED) return null;
        StageTimings t = job.getResult().getTimings();
        return new Use(job.getTenant(), job.getCircuit().getName(), job.getResult().getBackend(), ok,
                t.getWitnessCpuMicros() / 1e6, t.getProveCpuMicros() / 1e6, t.getWitnessMicros() / 1e6, t.getProveMicros() / 1e6);
    }

    private record Key(String tenant, String circuit, String backend) {}

    private static final Comparator<UsageRow> ORDER = Comparator.comparing(UsageRow::getTenant).thenComparing(UsageRow::getCircuit)
            .thenComparing(UsageRow::getBackend);

    private final Map<Key, UsageRow> rows = new ConcurrentHashMap<>();
    private final AtomicLong since = new AtomicLong(Long.MAX_VALUE);

    /** Counts a job whose state goes from {@code before} (null: new) to {@code after} (null: forgotten), if it just finished. */
    void change(Job before, Job after) {
        if (after == null || !JobStates.terminal(after.getStatus()) || (before != null && JobStates.terminal(before.getStatus()))) return;
        Use u = of(after);
        if (u == null) return;
        if (after.hasSubmittedAt()) since.accumulateAndGet(Timestamps.toMillis(after.getSubmittedAt()), Math::min);
        rows.merge(new Key(u.tenant(), u.circuit(), u.backend()), row(u), UsageLedger::plus);
    }

    /** The rows of {@code tenant} (null: every tenant), by tenant, circuit and backend. */
    public List<UsageRow> rows(String tenant) {
        return rows.values().stream().filter(r -> tenant == null || tenant.equals(r.getTenant())).sorted(ORDER).toList();
    }

    /** The earliest submission (epoch ms) among the jobs counted; -1 when none is. */
    public long since() {
        long s = since.get();
        return s == Long.MAX_VALUE ? -1 : s;
    }

    private static UsageRow row(Use u) {
        return UsageRow.newBuilder().setTenant(u.tenant()).setCircuit(u.circuit()).setBackend(u.backend())
                .setSucceeded(u.succeeded() ? 1 : 0).setFailed(u.succeeded() ? 0 : 1).setWitnessSeconds(u.witnessCpuSeconds())
                .setProveCpuSeconds(u.proveCpuSeconds()).setGpuSeconds(u.gpu() ? u.proveWallSeconds() : 0)
                .setWitnessWallSeconds(u.witnessWallSeconds()).setProveWallSeconds(u.proveWallSeconds()).build();
    }

    private static UsageRow plus(UsageRow a, UsageRow b) {
        return a.toBuilder().setSucceeded(a.getSucceeded() + b.getSucceeded()).setFailed(a.getFailed() + b.getFailed())
                .setWitnessSeconds(a.getWitnessSeconds() + b.getWitnessSeconds())
                .setProveCpuSeconds(a.getProveCpuSeconds() + b.getProveCpuSeconds())
                .setGpuSeconds(a.getGpuSeconds() + b.getGpuSeconds())
                .setWitnessWallSeconds(a.getWitnessWallSeconds() + b.getWitnessWallSeconds())
                .setProveWallSeconds(a.getProveWallSeconds() + b.getProveWallSeconds()).build();
    }
}
