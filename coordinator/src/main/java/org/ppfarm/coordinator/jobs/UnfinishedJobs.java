package org.ppfarm.coordinator.jobs;

import org.ppfarm.farm.jobs.JobStates;
import org.ppfarm.proto.v1.Job;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each tenant's unfinished jobs (any state before a terminal one) as this coordinator knows them, for the
 * {@code max_in_flight} quota. Every coordinator learns every job's state through the state topic, so the count is
 * farm-wide, behind by how long a state takes to reach this coordinator. The {@link JobTracker} keeps it as jobs
 * change state; a job first known from a worker's event (its tenant not yet known) counts under tenant "" until its
 * record arrives.
 *
 * <p>{@link #change} runs on the tracker's thread only; {@link #count} is safe from any thread.
 */
public final class UnfinishedJobs {
    private final Map<String, Long> counts = new ConcurrentHashMap<>();

    /** Moves a job from its previous state {@code before} (null: new) to {@code after} (null: forgotten). */
    void change(Job before, Job after) {
        if (unfinished(before)) add(before.getTenant(), -1);
        if (unfinished(after)) add(after.getTenant(), 1);
    }

    /** The tenant's unfinished jobs. */
    public long count(String tenant) {
        return counts.getOrDefault(tenant, 0L);
    }

    private static boolean unfinished(Job job) {
        return job != null && !JobStates.terminal(job.getStatus());
    }

    private void add(String tenant, long d) {
        counts.compute(tenant, (k, v) -> {
            long n = (v == null ? 0 : v) + d;
            return n == 0 ? null : n;
        });
    }
}
