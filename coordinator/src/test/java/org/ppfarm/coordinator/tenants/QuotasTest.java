package org.ppfarm.coordinator.tenants;

import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.junit.jupiter.api.Test;
import org.ppfarm.coordinator.grpc.Statuses;
import org.ppfarm.proto.v1.Priority;
import org.ppfarm.proto.v1.SubmitRequest;
import org.ppfarm.proto.v1.TenantQuotas;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuotasTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Map<String, Long> inFlight = new HashMap<>();
    private final Quotas quotas = new Quotas(now::get, t -> inFlight.getOrDefault(t, 0L));
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
        inFlight.put("t", 2L);
        inFlight.put("other", 100L); // another tenant's jobs do not count
        quotas.admit(t, List.of(JOB));
        Quotas.QuotaExceededException over = assertThrows(Quotas.QuotaExceededException.class, () -> quotas.admit(t, List.of(JOB, JOB)));
        assertTrue(over.getMessage().contains("max_in_flight") && over.getMessage().contains("2 jobs unfinished"), over.getMessage());
        assertEquals(Quotas.IN_FLIGHT_RETRY_MILLIS, over.retryAfterMillis());
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, Statuses.of(over).getStatus().getCode());
        Quotas.QuotaExceededException never = assertThrows(Quotas.QuotaExceededException.class, () -> quotas.admit(t, List.of(JOB, JOB, JOB, JOB)));
        assertEquals(-1, never.retryAfterMillis()); // more jobs in one request than the quota: waiting cannot help
        inFlight.put("t", 3L);
        assertThrows(Quotas.QuotaExceededException.class, () -> quotas.admit(t, List.of(JOB)));
    }
}
