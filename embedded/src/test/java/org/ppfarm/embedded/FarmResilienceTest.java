package org.ppfarm.embedded;

import org.ppfarm.worker.Worker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ppfarm.coordinator.Coordinator;
import org.ppfarm.client.FarmClient;
import org.ppfarm.coordinator.config.CoordinatorConfig;
import org.ppfarm.coordinator.kafka.FarmFixture;
import org.ppfarm.broker.TestBroker;
import org.ppfarm.proto.v1.GetJobRequest;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobStatus;
import org.ppfarm.proto.v1.SubmitResponse;
import org.ppfarm.proto.v1.WatchJobRequest;
import org.ppfarm.proto.v1.CircuitRef;
import org.ppfarm.proto.v1.SubmitRequest;
import org.ppfarm.testkit.Artifacts;
import org.ppfarm.testkit.Eventually;
import org.ppfarm.testkit.ZeroXBowInputs;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Failures the farm must absorb, on a real broker with real proofs: a worker process killed (SIGKILL) mid-job, and a
 * coordinator replaced while jobs run. Every job ends with exactly one verified result.
 */
class FarmResilienceTest {
    static TestBroker broker;

    @BeforeAll
    static void start() { broker = TestBroker.start(); }

    @AfterAll
    static void stop() throws Exception { broker.close(); }

    @Test
    void workerProcessKilledMidJobIsReplacedAndEveryJobHasExactlyOneResult() throws Exception {
        // jobs through Kafka, not offered: an offered job is reported RUNNING only once its worker has seen the job's
        // Kafka copy (JobRunner.RunningReport), which a worker process that has just joined may not have before it
        // is done with the job, and the kill below is timed by RUNNING; from Kafka it comes 50 ms after the take
        try (FarmFixture farm = new FarmFixture(broker);
             Coordinator coordinator = farm.startCoordinator(Map.of(CoordinatorConfig.JOBS_OFFERS, "false"));
             FarmClient client = FarmFixture.client(coordinator)) {
            // withdraw proofs (2^16 domain) take long enough on the engine that the kill lands mid-job
            client.register("withdraw", "1.0.2", Artifacts.withdrawZkey(), Artifacts.withdrawWasm(), Artifacts.withdrawVkey());
            Process a = startWorkerProcess(WorkerFixture.props(farm, coordinator, "A"));
            Worker b = null;
            try {
                Eventually.await("worker A's node to join the coordinator's cluster", Duration.ofSeconds(60), () -> coordinator.clusterMembers("worker") == 1);
                List<String> ids = new ArrayList<>();
                for (ZeroXBowInputs.Case c : ZeroXBowInputs.withdrawCases(700, 3, 5, 3, false))
                    ids.add(client.blocking().submit(SubmitRequest.newBuilder().setCircuit(CircuitRef.newBuilder().setName("withdraw"))
                            .setWithdrawRequestJson(c.request()).build()).getJobId());
                // every watcher collects what it is told, from the start, to count results
                List<CompletableFuture<List<Job>>> watches = new ArrayList<>();
                for (String id : ids) watches.add(watch(client, id));
                Job running = awaitStatus(client, ids.getFirst(), JobStatus.JOB_STATUS_RUNNING);
                // a RUNNING state names no worker (only a result does); A is the only worker, and this its first attempt
                assertEquals(1, running.getAttempts(), "attempts of the job A is proving");
                assertEquals(1, coordinator.clusterMembers("worker"), "A is the only worker");
                a.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no shutdown hook, no commit, no LeaveGroup
                b = WorkerFixture.start(farm, coordinator, "B", Map.of());
                for (int i = 0; i < ids.size(); i++) {
                    List<Job> seen = watches.get(i).get(180, TimeUnit.SECONDS);
                    long results = seen.stream().filter(j -> j.getStatus() == JobStatus.JOB_STATUS_SUCCEEDED).count();
                    assertEquals(1, results, "job " + ids.get(i) + " was reported succeeded " + results + " times");
                    Job last = seen.getLast();
                    FarmEndToEndTest.assertVerifiesWithSnarkjs(last, Artifacts.withdrawVkey());
                    assertEquals(last, client.blocking().getJob(GetJobRequest.newBuilder().setJobId(ids.get(i)).build()));
                }
                Job first = client.blocking().getJob(GetJobRequest.newBuilder().setJobId(ids.getFirst()).build());
                assertEquals("B", first.getResult().getWorkerId(), "the job A was proving when killed is finished by B");
                assertTrue(first.getAttempts() >= 2, "attempts " + first.getAttempts());
                // the farm's downing downs the killed worker's node, never the coordinator's: coordinators count first
                Worker bNode = b;
                Eventually.await("A's node to be downed and B's Up", Duration.ofSeconds(60),
                        () -> coordinator.clusterMembers("worker") == 1 && bNode.clusterUp());
                assertTrue(coordinator.clusterUp(), "the coordinator's node is still Up");
            } finally {
                a.destroyForcibly();
                if (b != null) b.close();
            }
        }
    }

    @Test
    void coordinatorReplacedWhileJobsRunStillAnswersWithEveryResult() throws Exception {
        try (FarmFixture farm = new FarmFixture(broker)) {
            List<String> ids = new ArrayList<>();
            Worker w;
            try (Coordinator first = farm.startCoordinator(Map.of(CoordinatorConfig.COORDINATOR_ID, "first"));
                 FarmClient client = FarmFixture.client(first)) {
                client.register("commitment", "1.0.2", Artifacts.commitmentZkey(), Artifacts.commitmentWasm(), Artifacts.commitmentVkey());
                w = WorkerFixture.start(farm, first, "W", Map.of());
                // the worker fetches the circuit's artifacts while the first coordinator is up
                FarmEndToEndTest.assertVerifiesWithSnarkjs(client.blocking().withDeadlineAfter(120, TimeUnit.SECONDS)
                        .prove(FarmEndToEndTest.commitment(FarmEndToEndTest.commitmentInput(200))), Artifacts.commitmentVkey());
                for (int i = 0; i < 6; i++) {
                    SubmitResponse s = client.blocking().submit(FarmEndToEndTest.commitment(FarmEndToEndTest.commitmentInput(201 + i)));
                    ids.add(s.getJobId());
                }
            } // the first coordinator stops with jobs queued and running
            try (Coordinator second = farm.startCoordinator(Map.of(CoordinatorConfig.COORDINATOR_ID, "second"));
                 FarmClient client = FarmFixture.client(second)) {
                for (String id : ids) {
                    List<Job> seen = watch(client, id).get(180, TimeUnit.SECONDS);
                    FarmEndToEndTest.assertVerifiesWithSnarkjs(seen.getLast(), Artifacts.commitmentVkey());
                }
            } finally {
                w.close();
            }
        }
    }


    static CompletableFuture<List<Job>> watch(FarmClient client, String jobId) {
        return CompletableFuture.supplyAsync(() -> {
            List<Job> seen = new ArrayList<>();
            client.blocking().withDeadlineAfter(240, TimeUnit.SECONDS)
                    .watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build()).forEachRemaining(seen::add);
            return seen;
        });
    }

    static Job awaitStatus(FarmClient client, String jobId, JobStatus status) {
        return Eventually.await("job " + jobId + " to be " + status, Duration.ofSeconds(30),
                () -> client.blocking().getJob(GetJobRequest.newBuilder().setJobId(jobId).build()), j -> j.getStatus() == status);
    }

    /** A worker in its own JVM, so it can be killed like a crashed process. Returns once it reports ready. */
    static Process startWorkerProcess(Map<String, Object> props) throws Exception {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx2g", "-XX:+UseParallelGC",
                "-cp", cp, WorkerProcess.class.getName()));
        props.forEach((k, v) -> cmd.add(k + "=" + v));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) if (line.contains(" ready")) ready.complete(null);
            } catch (Exception ignored) { /* process ended */ }
            ready.completeExceptionally(new AssertionError("worker process exited before it was ready"));
        });
        ready.get(120, TimeUnit.SECONDS);
        return p;
    }
}
