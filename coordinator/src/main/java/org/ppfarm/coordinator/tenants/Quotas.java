package org.ppfarm.coordinator.tenants;

import org.ppfarm.proto.v1.Priority;
import org.ppfarm.proto.v1.SubmitRequest;
import org.ppfarm.proto.v1.TenantQuotas;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * A tenant's quotas ({@link TenantQuotas}) as one coordinator enforces them on a submission, before anything is
 * validated or enqueued: the largest batch, the highest priority, the jobs in flight, and jobs per second (a token
 * bucket per tenant, refilled at {@code jobs_per_second} up to {@code burst}). Jobs in flight are counted farm-wide
 * (every coordinator sees every job's state through the state topic), approximately: jobs admitted at other
 * coordinators within the last state-topic round trip are not counted yet. The bucket is per coordinator: with N
 * coordinators behind a balancer a tenant can submit up to N times its rate (and N bursts) in all. docs/security.md
 * says how far off each can be. Thread-safe: each bucket is updated under its own lock.
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

    private final LongSupplier nanos;
    private final ToLongFunction<String> inFlight;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    /**
     * @param nanos    the clock buckets refill by (System::nanoTime; tests move their own)
     * @param inFlight a tenant's unfinished jobs, farm-wide as this coordinator knows them
     */
    public Quotas(LongSupplier nanos, ToLongFunction<String> inFlight) {
        this.nanos = nanos;
        this.inFlight = inFlight;
    }

    /** Takes {@code jobs.size()} tokens from the tenant's bucket, or throws naming the quota it is over. */
    public void admit(Tenant tenant, List<SubmitRequest> jobs) throws QuotaExceededException {
        TenantQuotas q = tenant.quotas();
        if (q.getMaxBatch() > 0 && jobs.size() > q.getMaxBatch())
            throw new QuotaExceededException("quota max_batch of tenant " + tenant.name() + ": " + jobs.size() + " jobs in one request, over "
                    + q.getMaxBatch(), -1);
        if (q.getMaxPriorityValue() != 0)
            for (SubmitRequest j : jobs)
                if ((j.getPriorityValue() == 0 ? Priority.PRIORITY_NORMAL_VALUE : j.getPriorityValue()) > q.getMaxPriorityValue())
                    throw new QuotaExceededException("quota max_priority of tenant " + tenant.name() + ": " + j.getPriority() + " is above "
                            + q.getMaxPriority(), -1);
        if (q.getMaxInFlight() > 0) {
            if (jobs.size() > q.getMaxInFlight())
                throw new QuotaExceededException("quota max_in_flight of tenant " + tenant.name() + ": " + jobs.size()
                        + " jobs in one request, over " + q.getMaxInFlight(), -1);
            long unfinished = inFlight.applyAsLong(tenant.name());
            if (unfinished + jobs.size() > q.getMaxInFlight())
                throw new QuotaExceededException("quota max_in_flight of tenant " + tenant.name() + ": " + unfinished
                        + " jobs unfinished, " + jobs.size() + " more would exceed " + q.getMaxInFlight() + "; retry once some finish",
                        IN_FLIGHT_RETRY_MILLIS);
        }
        if (q.getJobsPerSecond() <= 0) return;
        double rate = q.getJobsPerSecond();
        double burst = q.getBurst() > 0 ? q.getBurst() : Math.max(1, rate);
        int n = jobs.size();
        if (n > burst)
            throw new QuotaExceededException("quota burst of tenant " + tenant.name() + ": " + n + " jobs at once, over " + (long) burst, -1);
        Bucket b = buckets.computeIfAbsent(tenant.name(), k -> {
            Bucket nb = new Bucket();
            nb.tokens = burst;
            nb.at = nanos.getAsLong();
            return nb;
        });
        synchronized (b) {
            long now = nanos.getAsLong();
            b.tokens = Math.min(burst, b.tokens + (now - b.at) / 1e9 * rate);
            b.at = now;
            if (b.tokens < n) {
                long wait = (long) Math.ceil((n - b.tokens) / rate * 1000);
                throw new QuotaExceededException("quota jobs_per_second of tenant " + tenant.name() + ": " + rate
                        + " jobs/s (burst " + (long) burst + ") used up; retry in " + wait + " ms", wait);
            }
            b.tokens -= n;
        }
    }
}
