package org.ppfarm.coordinator.tenants;

import org.ppfarm.coordinator.jobs.UnfinishedJobs;
import org.ppfarm.proto.v1.Priority;
import org.ppfarm.proto.v1.SubmitRequest;
import org.ppfarm.proto.v1.TenantQuotas;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A tenant's quotas ({@link TenantQuotas}) as one coordinator enforces them on a submission, before anything is
 * validated or enqueued: the largest batch, the highest priority, the jobs in flight, and jobs per second (a token
 * bucket per tenant, refilled at {@code jobs_per_second} up to {@code burst}). Both counts are farm-wide, from the
 * state topic every coordinator follows, and approximate: jobs in flight are the tenant's unfinished jobs this
 * coordinator knows of, those it is admitting included; the bucket pays for this coordinator's admissions when it
 * admits them, and for other coordinators' when their QUEUED states arrive ({@link #charge}), so a tenant spreading
 * its calls over N coordinators gets about its rate in all, not N times it. What neither counts yet is what other coordinators
 * admitted within the last state-topic round trip; docs/security.md says how far off that can be. Thread-safe: each
 * bucket is updated under its own lock.
 */
public final class Quotas {
    /** A submission over one of its tenant's quotas. Maps to RESOURCE_EXHAUSTED with a retry delay. */
    public static final class QuotaExceededException extends Exception {
        private final long retryAfterMillis;

        QuotaExceededException(String m, long retryAfterMillis) {
            super(m, null, false, false);
            this.retryAfterMillis = retryAfterMillis;
        }

        /** When a retry can succeed, in ms; -1: not by waiting (the request itself is over the quota). */
        public long retryAfterMillis() { return retryAfterMillis; }
    }

    private static final class Bucket {
        double tokens;
        long at;
    }

    /**
     * The retry delay suggested to a tenant at its {@code max_in_flight}: when one of its jobs finishes is not
     * known, and a proof takes about a second.
     */
    static final long IN_FLIGHT_RETRY_MILLIS = 1000;

    private final LongSupplier nanos, millis;
    private final UnfinishedJobs inFlight;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    /**
     * @param nanos    the clock buckets refill by (System::nanoTime; tests move their own)
     * @param millis   the wall clock jobs' submission times are compared with (System::currentTimeMillis)
     * @param inFlight each tenant's unfinished jobs, farm-wide as this coordinator knows them, where admissions
     *                 reserve their places
     */
    public Quotas(LongSupplier nanos, LongSupplier millis, UnfinishedJobs inFlight) {
        this.nanos = nanos;
        this.millis = millis;
        this.inFlight = inFlight;
    }

    /**
     * Takes {@code jobs.size()} tokens from the tenant's bucket and, under a {@code max_in_flight} quota, as many
     * places among its unfinished jobs; or throws naming the quota it is over, having taken nothing. Returns the
     * places taken (null when the tenant has no {@code max_in_flight}), which the caller hands on with the jobs to the
     * tracker, or releases if they never get there.
     */
    public UnfinishedJobs.Reservation admit(Tenant tenant, List<SubmitRequest> jobs) throws QuotaExceededException {
        TenantQuotas q = tenant.quotas();
        if (q.getMaxBatch() > 0 && jobs.size() > q.getMaxBatch())
            throw new QuotaExceededException("quota max_batch of tenant " + tenant.name() + ": " + jobs.size() + " jobs in one request, over "
                    + q.getMaxBatch(), -1);
        if (q.getMaxPriorityValue() != 0)
            for (SubmitRequest j : jobs)
                if ((j.getPriorityValue() == 0 ? Priority.PRIORITY_NORMAL_VALUE : j.getPriorityValue()) > q.getMaxPriorityValue())
                    throw new QuotaExceededException("quota max_priority of tenant " + tenant.name() + ": " + j.getPriority() + " is above "
                            + q.getMaxPriority(), -1);
        UnfinishedJobs.Reservation places = null;
        if (q.getMaxInFlight() > 0) {
            if (jobs.size() > q.getMaxInFlight())
                throw new QuotaExceededException("quota max_in_flight of tenant " + tenant.name() + ": " + jobs.size()
                        + " jobs in one request, over " + q.getMaxInFlight(), -1);
            places = inFlight.reserve(tenant.name(), jobs.size(), q.getMaxInFlight());
            if (places == null)
                throw new QuotaExceededException("quota max_in_flight of tenant " + tenant.name() + ": " + inFlight.count(tenant.name())
                        + " jobs unfinished, " + jobs.size() + " more would exceed " + q.getMaxInFlight() + "; retry once some finish",
                        IN_FLIGHT_RETRY_MILLIS);
        }
        try {
            takeTokens(tenant, q, jobs.size());
        } catch (QuotaExceededException e) {
            if (places != null) places.release();
            throw e;
        }
        return places;
    }

    private void takeTokens(Tenant tenant, TenantQuotas q, int n) throws QuotaExceededException {
        if (q.getJobsPerSecond() <= 0) return;
        double rate = q.getJobsPerSecond(), burst = burst(q);
        if (n > burst)
            throw new QuotaExceededException("quota burst of tenant " + tenant.name() + ": " + n + " jobs at once, over " + (long) burst, -1);
        Bucket b = bucket(tenant.name(), burst);
        synchronized (b) {
            refill(b, rate, burst);
            if (b.tokens < n) {
                long wait = (long) Math.ceil((n - b.tokens) / rate * 1000);
                throw new QuotaExceededException("quota jobs_per_second of tenant " + tenant.name() + ": " + rate
                        + " jobs/s (burst " + (long) burst + ") used up; retry in " + wait + " ms", wait);
            }
            b.tokens -= n;
        }
    }

    /**
     * Charges the tenant's bucket one token for a job another coordinator admitted (its QUEUED state, read from the
     * state topic; never one this coordinator admitted, which {@link #admit} paid for): the bucket may go negative,
     * down to −burst, and the tenant is then refused here until the farm-wide rate is back under its quota. Only a job
     * submitted within the bucket's refill horizon (burst / rate seconds, at least 1 s) is charged, so the state
     * topic's backlog, read at start, does not drain buckets with old jobs; a restarted coordinator thereby charges
     * the jobs admitted just before it came back, its own earlier incarnation's included.
     *
     * @param submittedAtMillis the job's submission time ({@code Job.submitted_at}), on the admitting coordinator's clock
     */
    public void charge(String tenant, TenantQuotas q, long submittedAtMillis) {
        if (q.getJobsPerSecond() <= 0) return;
        double rate = q.getJobsPerSecond(), burst = burst(q);
        if (millis.getAsLong() - submittedAtMillis > Math.max(1000, burst / rate * 1000)) return;
        Bucket b = bucket(tenant, burst);
        synchronized (b) {
            refill(b, rate, burst);
            b.tokens = Math.max(-burst, b.tokens - 1);
        }
    }

    private static double burst(TenantQuotas q) {
        return q.getBurst() > 0 ? q.getBurst() : Math.max(1, q.getJobsPerSecond());
    }

    /** The tenant's bucket; a new one starts full. */
    private Bucket bucket(String tenant, double burst) {
        return buckets.computeIfAbsent(tenant, k -> {
            Bucket nb = new Bucket();
            nb.tokens = burst;
            nb.at = nanos.getAsLong();
            return nb;
        });
    }

    /** Adds the tokens earned since the bucket was last looked at, up to {@code burst}; under the bucket's lock. */
    private void refill(Bucket b, double rate, double burst) {
        long now = nanos.getAsLong();
        b.tokens = Math.min(burst, b.tokens + (now - b.at) / 1e9 * rate);
        b.at = now;
    }
}
