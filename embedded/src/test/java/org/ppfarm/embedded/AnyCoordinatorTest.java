package org.ppfarm.embedded;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ppfarm.broker.TestBroker;
import org.ppfarm.client.FarmClient;
import org.ppfarm.client.FarmException;
import org.ppfarm.client.RetryPolicy;
import org.ppfarm.coordinator.Coordinator;
import org.ppfarm.coordinator.config.CoordinatorConfig;
import org.ppfarm.coordinator.kafka.FarmFixture;
import org.ppfarm.coordinator.tenants.TenantAdmin;
import org.ppfarm.farm.kafka.FarmTopics;
import org.ppfarm.proto.v1.GetUsageResponse;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobStatus;
import org.ppfarm.proto.v1.SubmitRequest;
import org.ppfarm.proto.v1.SubmitResponse;
import org.ppfarm.proto.v1.TenantQuotas;
import org.ppfarm.proto.v1.StageTimings;
import org.ppfarm.proto.v1.UsageRow;
import org.ppfarm.testkit.Artifacts;
import org.ppfarm.testkit.Eventually;
import org.ppfarm.worker.Worker;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any coordinator serves any job (issue 14): two coordinators of one farm on a real broker, each knowing every job
 * from the state topic — a job submitted at one is seen QUEUED at the other, its idempotency key holds there, it can
 * be watched and cancelled there, and its result is answered there, its usage counted at both; a client of both keeps working when one stops.
 * A tenant's jobs/s quota holds across both.
 */
class AnyCoordinatorTest {
    static TestBroker broker;

    @BeforeAll
    static void start() { broker = TestBroker.start(); }

    @AfterAll
    static void stop() throws Exception { broker.close(); }

    @Test
    void aJobSubmittedAtOneCoordinatorIsSeenWatchedCancelledAndAnsweredAtAnother() throws Exception {
        Coordinator b = null;
        try (FarmFixture farm = new FarmFixture(broker);
             Coordinator a = farm.startCoordinator(Map.of(CoordinatorConfig.COORDINATOR_ID, "a"));
             FarmClient atA = FarmFixture.client(a)) {
            b = farm.startCoordinator(Map.of(CoordinatorConfig.COORDINATOR_ID, "b"));
            try (FarmClient atB = FarmFixture.client(b)) {
                for (FarmClient c : List.of(atA, atB))
                    c.register("commitment", "1.0.2", Artifacts.commitmentZkey(), Artifacts.commitmentWasm(), Artifacts.commitmentVkey());

                // no worker yet: the jobs stay queued
                SubmitRequest first = FarmEndToEndTest.commitment(FarmEndToEndTest.commitmentInput(301)).toBuilder()
                        .setIdempotencyKey("any-coordinator-1").build();
                SubmitResponse s1 = atA.submit(first);
                Job queuedAtB = Eventually.await("B to know A's queued job", Duration.ofSeconds(30), () -> get(atB, s1.getJobId()),
                        j -> j != null && j.getStatus() == JobStatus.JOB_STATUS_QUEUED);
                assertEquals("commitment@1.0.2", queuedAtB.getCircuit().getName());
                SubmitResponse again = atB.submit(first);
                assertEquals(s1.getJobId(), again.getJobId(), "the key A gave the job holds at B: a retry there is the same job");
                assertTrue(again.getExisting());

                CompletableFuture<List<Job>> watchedAtB = FarmResilienceTest.watch(atB, s1.getJobId());
                Job cancelled = atB.cancel(s1.getJobId());
                assertEquals(JobStatus.JOB_STATUS_CANCELLED, cancelled.getStatus());
                assertEquals(JobStatus.JOB_STATUS_CANCELLED, watchedAtB.get(30, TimeUnit.SECONDS).getLast().getStatus());
                Eventually.await("A to see B's cancel", Duration.ofSeconds(30), () -> get(atA, s1.getJobId()),
                        j -> j.getStatus() == JobStatus.JOB_STATUS_CANCELLED);

                // a coordinator that stops answers the calls waiting at it UNAVAILABLE, which clients retry at another
                // coordinator under the same idempotency key (the server's forced shutdown would reset them: CANCELLED,
                // which a client must not retry)
                SubmitRequest waitsAtC = FarmEndToEndTest.commitment(FarmEndToEndTest.commitmentInput(310)).toBuilder()
                        .setIdempotencyKey("any-coordinator-310").build();
                Coordinator coordinatorC = farm.startCoordinator(Map.of(CoordinatorConfig.COORDINATOR_ID, "c"));
                try (FarmClient atC = FarmClient.builder("127.0.0.1:" + coordinatorC.port()).retry(RetryPolicy.NONE).build()) {
                    String waitingId = atC.submit(waitsAtC).getJobId(); // durable first, so the Prove below only waits
                    CompletableFuture<Job> waitingAtC = atC.proveAsync(waitsAtC, Duration.ofSeconds(120));
                    Thread.sleep(3_000); // the call reaches C and waits there (no worker yet)
                    assertTrue(!waitingAtC.isDone(), "Prove waits while no worker runs");
                    coordinatorC.close();
                    ExecutionException stopped = assertThrows(ExecutionException.class, () -> waitingAtC.get(30, TimeUnit.SECONDS));
                    FarmException why = (FarmException) stopped.getCause();
                    assertEquals(io.grpc.Status.Code.UNAVAILABLE, why.code(), why.getMessage());
                    assertTrue(why.getMessage().contains("shutting down"), why.getMessage());
                    // the job goes on at the other coordinators; cancelled here so that the usage figures below count
                    // one proved job
                    assertEquals(JobStatus.JOB_STATUS_CANCELLED, atA.cancel(waitingId).getStatus());
                }

                SubmitResponse s2 = atA.submit(FarmEndToEndTest.commitment(FarmEndToEndTest.commitmentInput(302)));
                Eventually.await("B to know A's second job", Duration.ofSeconds(30), () -> get(atB, s2.getJobId()), j -> j != null);
                CompletableFuture<List<Job>> watched2AtB = FarmResilienceTest.watch(atB, s2.getJobId());
                Worker w = WorkerFixture.start(farm, a, "W", Map.of());
                try {
                    List<Job> seen = watched2AtB.get(180, TimeUnit.SECONDS);
                    assertEquals(JobStatus.JOB_STATUS_QUEUED, seen.getFirst().getStatus());
                    Job done = seen.getLast();
                    assertEquals(JobStatus.JOB_STATUS_SUCCEEDED, done.getStatus(), done.getError().getMessage());
                    FarmEndToEndTest.assertVerifiesWithSnarkjs(done, Artifacts.commitmentVkey());
                    assertEquals(done.getResult(), Eventually.await("A's answer", Duration.ofSeconds(30), () -> get(atA, s2.getJobId()),
                            j -> j.getStatus() == JobStatus.JOB_STATUS_SUCCEEDED).getResult(), "both coordinators answer the same proof");
                    // the cancelled job stays cancelled: the worker skipped it
                    assertEquals(JobStatus.JOB_STATUS_CANCELLED, get(atA, s1.getJobId()).getStatus());
                    assertEquals(JobStatus.JOB_STATUS_CANCELLED, get(atB, s1.getJobId()).getStatus());

                    // usage: both coordinators answer the farm's figures (the proved job; the cancelled one was not
                    // proved), and the Prometheus counter counts the job at one of them
                    String backend = done.getResult().getBackend();
                    for (FarmClient c : List.of(atA, atB)) {
                        GetUsageResponse u = Eventually.await("usage", Duration.ofSeconds(30), () -> c.usage(null), r -> r.getRowsCount() == 1);
                        UsageRow row = u.getRows(0);
                        assertEquals(List.of("", "commitment@1.0.2", backend, 1L, 0L), List.of(row.getTenant(), row.getCircuit(), row.getBackend(),
                                row.getSucceeded(), row.getFailed()), row::toString);
                        StageTimings t = done.getResult().getTimings();
                        assertEquals(List.of(t.getWitnessCpuMicros() / 1e6, t.getProveCpuMicros() / 1e6, t.getWitnessMicros() / 1e6,
                                t.getProveMicros() / 1e6), List.of(row.getWitnessSeconds(), row.getProveCpuSeconds(),
                                row.getWitnessWallSeconds(), row.getProveWallSeconds()), row::toString);
                        assertTrue(row.getWitnessSeconds() > 0 && row.getProveCpuSeconds() > 0, row::toString);
                        assertTrue(u.hasSince());
                    }
                    assertEquals(1, a.tenantProofs("", "commitment@1.0.2", backend, "succeeded")
                            + b.tenantProofs("", "commitment@1.0.2", backend, "succeeded"), "counted by one coordinator");

                    // a client of both coordinators: calls go on when one of them stops
                    try (FarmClient both = FarmClient.builder("127.0.0.1:" + a.port() + ",127.0.0.1:" + b.port()).build()) {
                        Job p = both.prove(FarmEndToEndTest.commitment(FarmEndToEndTest.commitmentInput(303)), Duration.ofSeconds(120));
                        FarmEndToEndTest.assertVerifiesWithSnarkjs(p, Artifacts.commitmentVkey());
                        b.close();
                        b = null;
                        for (int i = 0; i < 3; i++) {
                            Job q = both.prove(FarmEndToEndTest.commitment(FarmEndToEndTest.commitmentInput(304 + i)), Duration.ofSeconds(120));
                            assertEquals(JobStatus.JOB_STATUS_SUCCEEDED, q.getStatus());
                            assertEquals(JobStatus.JOB_STATUS_SUCCEEDED, get(both, s2.getJobId()).getStatus());
                        }
                    }
                } finally {
                    w.close();
                }
            }
        } finally {
            if (b != null) b.close();
        }
    }

    /**
     * A tenant's jobs/s quota holds across coordinators: each coordinator charges the tenant's bucket for the jobs the
     * other admitted (their QUEUED states on the state topic), so a client alternating between two coordinators gets
     * about the quota in all — not twice it, as with a bucket per coordinator.
     */
    @Test
    void aTenantsJobsPerSecondHoldFarmWideAcrossCoordinators() throws Exception {
        double rate = 10, burst = 5, seconds = 3;
        try (FarmFixture farm = new FarmFixture(broker);
             TenantAdmin admin = new TenantAdmin(Map.of("bootstrap.servers", broker.bootstrapServers()), new FarmTopics(farm.prefix), 4, (short) 1)) {
            String key = admin.add("metered", false, TenantQuotas.newBuilder().setJobsPerSecond(rate).setBurst((int) burst).build());
            try (Coordinator a = farm.startCoordinator(Map.of(CoordinatorConfig.COORDINATOR_ID, "qa"));
                 Coordinator b = farm.startCoordinator(Map.of(CoordinatorConfig.COORDINATOR_ID, "qb"));
                 FarmClient atA = FarmClient.builder("127.0.0.1:" + a.port()).apiKey(key).retry(RetryPolicy.NONE).build();
                 FarmClient atB = FarmClient.builder("127.0.0.1:" + b.port()).apiKey(key).retry(RetryPolicy.NONE).build()) {
                try (FarmClient anonymous = FarmFixture.client(a)) { // an admin: the farm does not require keys
                    anonymous.register("commitment", "1.0.2", Artifacts.commitmentZkey(), Artifacts.commitmentWasm(), Artifacts.commitmentVkey());
                }
                Eventually.await("B to know the circuit", Duration.ofSeconds(30), () -> !atB.circuits().isEmpty());
                SubmitRequest job = FarmEndToEndTest.commitment(FarmEndToEndTest.commitmentInput(401));
                int admitted = 0, refused = 0;
                long end = System.nanoTime() + (long) (seconds * 1e9);
                for (int i = 0; System.nanoTime() < end; i++) {
                    try {
                        (i % 2 == 0 ? atA : atB).submit(job);
                        admitted++;
                    } catch (FarmException e) {
                        assertEquals(io.grpc.Status.Code.RESOURCE_EXHAUSTED, e.code(), e.getMessage());
                        refused++;
                    }
                }
                // about rate × seconds plus both buckets' first bursts; a bucket per coordinator would admit about twice the rate
                String seen = admitted + " admitted, " + refused + " refused in " + seconds + " s at " + rate + " jobs/s (burst " + burst + ")";
                System.err.println("AnyCoordinatorTest: " + seen);
                assertTrue(admitted + refused > 2 * rate * seconds, "the client asked for more than twice the rate: " + seen);
                assertTrue(admitted <= 1.4 * rate * seconds + 2 * burst, seen);
                assertTrue(admitted >= 0.8 * rate * seconds, seen);
            }
        }
    }

    /** The job as {@code client}'s coordinator knows it, or null if it does not. */
    static Job get(FarmClient client, String jobId) {
        try {
            return client.get(jobId);
        } catch (org.ppfarm.client.FarmException e) {
            if (e.code() == io.grpc.Status.Code.NOT_FOUND) return null;
            throw e;
        }
    }
}
