package org.ppfarm.coordinator.jobs;

import io.grpc.Status;
import org.junit.jupiter.api.Test;
import org.ppfarm.coordinator.grpc.Statuses;
import org.ppfarm.proto.v1.CircuitRef;
import org.ppfarm.proto.v1.SubmitRequest;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A coordinator whose node was downed stops its actor system while calls are still coming in (the two-coordinator chaos
 * campaign answered 36 of them INTERNAL): a submission its job tracker can no longer take makes no job and is
 * UNAVAILABLE, so the client retries at another coordinator under the same key.
 */
class StoppedTrackerTest {
    @Test
    void aSubmissionTheStoppedTrackerCannotTakeIsUnavailableAndMakesNoJob() throws Exception {
        InMemoryJobLog log = new InMemoryJobLog("stopped", false);
        try (SubmitterFixture f = new SubmitterFixture(log, null)) {
            f.system.terminate();
            f.system.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
            SubmitRequest keyed = SubmitRequest.newBuilder().setCircuit(CircuitRef.newBuilder().setName("commitment"))
                    .setInputJson("{\"value\":\"1000\",\"label\":\"77\",\"nullifier\":\"123\",\"secret\":\"0x1c8\"}")
                    .setIdempotencyKey("after-downing").build();
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> f.submitter.submit("", keyed).toCompletableFuture().get(30, TimeUnit.SECONDS));
            assertInstanceOf(JobSubmitter.NotAvailableException.class, e.getCause());
            assertEquals(Status.Code.UNAVAILABLE, Statuses.of(e.getCause()).getStatus().getCode());
            assertTrue(e.getCause().getMessage().contains("no job was made"), e.getCause().getMessage());
            assertTrue(log.jobs().isEmpty() && log.states().isEmpty(), "nothing written");
        }
    }
}
