package org.ppfarm.coordinator.tenants;

import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.junit.jupiter.api.Test;
import org.ppfarm.coordinator.grpc.Statuses;
import org.ppfarm.coordinator.jobs.UnfinishedJobs;
import org.ppfarm.proto.v1.Priority;
import org.ppfarm.proto.v1.SubmitRequest;
import org.ppfarm.proto.v1.TenantQuotas;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuotasTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final UnfinishedJobs inFlight = new UnfinishedJobs();
    private final Quotas quotas = new Quotas(now::get, () -> now.get() / 1_000_000, inFlight);
    private static final SubmitRequest JOB = SubmitRequest.getDefaultInstance();

    private static Tenant tenant(TenantQuotas q) { return new Tenant("t", false, q); }

    @Test
    void theBucketRefillsAtTheRateAndTheRefusalCarriesARetryDelay() throws Exception {
        Tenant t = tenant(TenantQuotas.newBuilder().setJobsPerSecond(2).setBurst(2).build());
        quotas.admit(t, List.of(JOB, JOB));
        Quotas.QuotaExceededException over = assertThrows(Quotas.QuotaExceededException.class, () -> quotas.admit(t, List.of(JOB)));
        assertTrue(over.getMessage().contains("jobs_per_second"), over.getMessage());
        assertEquals(500, over.retryAfterMillis());
        StatusRuntimeException s = Statuses.of(over);
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, s.getStatus().getCode());
        RetryInfo retry = StatusProto.fromThrowable(s).getDetails(0).unpack(RetryInfo.class);
        assertEquals(500_000_000, retry.getRetryDelay().getNanos());
        now.addAndGet(500_000_000L);
        quotas.admit(t, List.of(JOB)); // one token back after half a second
        assertThrows(Quotas.QuotaExceededException.class, () -> quotas.admit(t, List.of(JOB)));
        quotas.admit(tenant(TenantQuotas.getDefaultInstance()), Collections.nCopies(1000, JOB)); // no quotas: no limit
    }

    /**
     * Jobs other coordinators admitted (their QUEUED states, {@link Quotas#charge}) and this coordinator's own
     * admissions draw on one bucket: over a stretch of time the two together hold the rate; the bucket goes no lower
     * than −burst; a job older than the refill horizon (the state topic's backlog) is not charged.
     */
    @Test
    void jobsAdmittedElsewhereAreChargedToTheSameBucket() throws Exception {
        TenantQuotas q = TenantQuotas.newBuilder().setJobsPerSecond(10).setBurst(5).build();
        Tenant t = tenant(q);
        // 10 s: another coordinator admits 5 jobs/s (each charged here), and this one is asked for 20 jobs/s
        int own = 0, elsewhere = 0;
        for (int i = 1; i <= 200; i++) {
            now.addAndGet(50_000_000L);
            if (i % 4 == 0) {
                quotas.charge("t", q, now.get() / 1_000_000);
                elsewhere++;
            }
            try {
                quotas.admit(t, List.of(JOB));
                own++;
            } catch (Quotas.QuotaExceededException e) {
                assertTrue(e.retryAfterMillis() > 0, e.getMessage());
            }
        }
        // together, the rate (10 s × 10 jobs/s, plus the burst of 5); this coordinator alone would have admitted 105
        assertEquals(50, elsewhere);
        assertTrue(own + elsewhere >= 100 && own + elsewhere <= 105, own + " admitted here beside " + elsewhere + " elsewhere");

        // the floor: however much is charged, the bucket is back to 1 token after (burst + 1) / rate seconds
        for (int i = 0; i < 1000; i++) quotas.charge("t", q, now.get() / 1_000_000);
        Quotas.QuotaExceededException floor = assertThrows(Quotas.QuotaExceededException.class, () -> quotas.admit(t, List.of(JOB)));
        assertTrue(floor.retryAfterMillis() >= 600 && floor.retryAfterMillis() <= 601, floor.getMessage()); // −5 tokens to 1 at 10 jobs/s
        now.addAndGet(601_000_000L);
        quotas.admit(t, List.of(JOB));

        // old jobs (a backlog read at start) are not charged: the horizon is burst / rate = 0.5 s, at least 1 s
        now.addAndGet(10_000_000_000L); // full again
        for (int i = 0; i < 100; i++) quotas.charge("t", q, now.get() / 1_000_000 - 1_001);
        quotas.admit(t, List.of(JOB, JOB, JOB, JOB, JOB));
        // a tenant without a rate is never charged; a job within the horizon of a fresh tenant starts its bucket full
        quotas.charge("t", TenantQuotas.getDefaultInstance(), now.get() / 1_000_000);
        Tenant u = new Tenant("u", false, q);
        for (int i = 0; i < 4; i++) quotas.charge("u", q, now.get() / 1_000_000 - 999);
        quotas.admit(u, List.of(JOB));
        assertThrows(Quotas.QuotaExceededException.class, () -> quotas.admit(u, List.of(JOB)));
    }

    @Test
    void batchSizeAndPriorityAreRefusedWithoutARetryDelay() {
        Tenant t = tenant(TenantQuotas.newBuilder().setMaxBatch(2).setMaxPriority(Priority.PRIORITY_NORMAL).build());
        Quotas.QuotaExceededException batch = assertThrows(Quotas.QuotaExceededException.class, () -> quotas.admit(t, List.of(JOB, JOB, JOB)));
        assertTrue(batch.getMessage().contains("max_batch"), batch.getMessage());
        assertEquals(-1, batch.retryAfterMillis());
        Quotas.QuotaExceededException high = assertThrows(Quotas.QuotaExceededException.class,
                () -> quotas.admit(t, List.of(JOB.toBuilder().setPriority(Priority.PRIORITY_HIGH).build())));
        assertTrue(high.getMessage().contains("max_priority"), high.getMessage());
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, Statuses.of(high).getStatus().getCode());
    }

    @Test
    void anUnsetPriorityCountsAsNormal() throws Exception {
        Tenant low = tenant(TenantQuotas.newBuilder().setMaxPriority(Priority.PRIORITY_LOW).build());
        assertThrows(Quotas.QuotaExceededException.class, () -> quotas.admit(low, List.of(JOB)));
        quotas.admit(low, List.of(JOB.toBuilder().setPriority(Priority.PRIORITY_LOW).build()));
    }

    @Test
    void jobsInFlightAreCountedAgainstTheQuotaAndTheRefusalCarriesARetryDelay() throws Exception {
        Tenant t = tenant(TenantQuotas.newBuilder().setMaxInFlight(3).build());
        inFlight.reserve("t", 2, Long.MAX_VALUE); // two of its jobs unfinished
        inFlight.reserve("other", 100, Long.MAX_VALUE); // another tenant's jobs do not count
        // an admitted job counts at once, before the tracker has seen it
        UnfinishedJobs.Reservation third = quotas.admit(t, List.of(JOB));
        assertEquals(3, inFlight.count("t"));
        Quotas.QuotaExceededException full = assertThrows(Quotas.QuotaExceededException.class, () -> quotas.admit(t, List.of(JOB)));
        assertTrue(full.getMessage().contains("max_in_flight") && full.getMessage().contains("3 jobs unfinished"), full.getMessage());
        third.release();
        third.release(); // only the first release gives the place back
        assertEquals(2, inFlight.count("t"));
        Quotas.QuotaExceededException over = assertThrows(Quotas.QuotaExceededException.class, () -> quotas.admit(t, List.of(JOB, JOB)));
        assertTrue(over.getMessage().contains("2 jobs unfinished, 2 more would exceed 3"), over.getMessage());
        assertEquals(Quotas.IN_FLIGHT_RETRY_MILLIS, over.retryAfterMillis());
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, Statuses.of(over).getStatus().getCode());
        Quotas.QuotaExceededException never = assertThrows(Quotas.QuotaExceededException.class, () -> quotas.admit(t, List.of(JOB, JOB, JOB, JOB)));
        assertEquals(-1, never.retryAfterMillis()); // more jobs in one request than the quota: waiting cannot help
        assertEquals(2, inFlight.count("t")); // refusals take no place
    }

    @Test
    void aSubmissionRefusedByItsRateTakesNoPlaceInFlight() throws Exception {
        Tenant t = tenant(TenantQuotas.newBuilder().setMaxInFlight(5).setJobsPerSecond(1).setBurst(1).build());
        quotas.admit(t, List.of(JOB));
        assertThrows(Quotas.QuotaExceededException.class, () -> quotas.admit(t, List.of(JOB)));
        assertEquals(1, inFlight.count("t"));
    }

    /** Admissions racing on one coordinator cannot together pass the quota: the check and the count are one step. */
    @Test
    void concurrentAdmissionsTakeNoMorePlacesThanTheQuota() throws Exception {
        Tenant t = tenant(TenantQuotas.newBuilder().setMaxInFlight(3).build());
        int threads = 16;
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger admitted = new AtomicInteger();
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < threads; i++) ts.add(Thread.ofPlatform().start(() -> {
            try {
                start.await();
                quotas.admit(t, List.of(JOB));
                admitted.incrementAndGet();
            } catch (Quotas.QuotaExceededException | InterruptedException e) {
                // refused: the quota was full
            }
        }));
        start.countDown();
        for (Thread th : ts) th.join();
        assertEquals(3, admitted.get());
        assertEquals(3, inFlight.count("t"));
    }
}
