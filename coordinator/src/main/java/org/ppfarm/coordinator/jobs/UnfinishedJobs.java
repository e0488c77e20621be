package org.ppfarm.coordinator.jobs;

import org.ppfarm.farm.jobs.JobStates;
import org.ppfarm.proto.v1.Job;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Each tenant's unfinished jobs (any state before a terminal one) as this coordinator knows them, for the
 * {@code max_in_flight} quota. Every coordinator learns every job's state through the state topic, so the count is
 * farm-wide, behind by how long a state takes to reach this coordinator. The {@link JobTracker} keeps it as jobs
 * change state; a job first known from a worker's event (its tenant not yet known) counts under tenant "" until its
 * record arrives.
 *
 * <p>A job this coordinator admits counts from its admission on: {@link #reserve} takes its place at once, and the
 * place is given back ({@link Reservation#release}) only after the tracker has counted the job itself, so a tenant's
 * next request, however soon it comes, sees every job this coordinator admitted before it.
 *
 * <p>{@link #change} runs on the tracker's thread only; {@link #count} and {@link #reserve} are safe from any thread.
 */
public final class UnfinishedJobs {
    private final Map<String, Long> counts = new ConcurrentHashMap<>();

    /** Moves a job from its previous state {@code before} (null: new) to {@code after} (null: forgotten). */
    void change(Job before, Job after) {
        if (unfinished(before)) add(before.getTenant(), -1);
        if (unfinished(after)) add(after.getTenant(), 1);
    }

    /** The tenant's unfinished jobs, those reserved included. */
    public long count(String tenant) {
        return counts.getOrDefault(tenant, 0L);
    }

    /**
     * Takes {@code n} places for the tenant's jobs being admitted, if its count with them stays at most {@code max};
     * checked and taken in one step, so concurrent admissions cannot together pass {@code max}. Returns null (nothing
     * taken) when they would.
     */
    public Reservation reserve(String tenant, int n, long max) {
        boolean[] taken = {false};
        counts.compute(tenant, (k, v) -> {
            long c = v == null ? 0 : v;
            if (c + n > max) return v;
            taken[0] = true;
            return c + n == 0 ? null : c + n;
        });
        return taken[0] ? new Reservation(tenant, n) : null;
    }

    /** Places taken for jobs being admitted, held until the tracker counts the jobs themselves. */
    public final class Reservation {
        private final String tenant;
        private final int n;
        private final AtomicBoolean held = new AtomicBoolean(true);

        private Reservation(String tenant, int n) {
            this.tenant = tenant;
            this.n = n;
        }

        /**
         * Gives the places back: once the tracker has counted the jobs (or when none of them reached it). Only the
         * first call does anything.
         */
        public void release() {
            if (held.getAndSet(false)) add(tenant, -n);
        }
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
