package org.ppfarm.embedded;

import io.grpc.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ppfarm.broker.TestBroker;
import org.ppfarm.client.FarmClient;
import org.ppfarm.client.FarmException;
import org.ppfarm.coordinator.Coordinator;
import org.ppfarm.coordinator.config.CoordinatorConfig;
import org.ppfarm.coordinator.kafka.FarmFixture;
import org.ppfarm.proto.v1.Circuit;
import org.ppfarm.proto.v1.CircuitRef;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobStatus;
import org.ppfarm.proto.v1.SubmitRequest;
import org.ppfarm.testkit.Eventually;
import org.ppfarm.testkit.TestCircuits;
import org.ppfarm.worker.Worker;
import org.ppfarm.worker.WorkerConfig;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The replicated circuit registry on a real broker: two coordinators, A and B, with registries of their own
 * (artifacts.dir each) and one registry topic. A circuit registered at A is listed and taken at B, B fetches its
 * artifacts from A, and a worker that knows only B (behind a coordinator that is down) proves it; a worker that can
 * reach no coordinator hands its job back until one comes up, then proves it; two conflicting registrations of one
 * name@version at A and B end with the same one circuit at both, the other refused ALREADY_EXISTS.
 */
class ReplicatedRegistryTest {
    static TestBroker broker;
    static FarmFixture farm;
    static Coordinator a, b;
    static FarmClient atA, atB;
    static TestCircuits.Fixture square;
    static Circuit registered;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start();
        farm = new FarmFixture(broker);
        a = startCoordinator(Map.of());
        b = startCoordinator(Map.of());
        atA = FarmFixture.client(a);
        atB = FarmFixture.client(b);
        square = TestCircuits.onePublic();
        registered = atA.register("square", "1", square.zkey(), square.wasm(), square.vkey());
    }

    @AfterAll
    static void stop() throws Exception {
        atA.close();
        atB.close();
        b.close();
        a.close();
        farm.close();
        broker.close();
    }

    /** A coordinator of the farm with a registry directory of its own. */
    static Coordinator startCoordinator(Map<String, Object> overrides) throws Exception {
        Map<String, Object> p = new HashMap<>(Map.of(CoordinatorConfig.ARTIFACTS_DIR, Files.createTempDirectory("ppfarm-registry-").toString()));
        p.putAll(overrides);
        return farm.startCoordinator(p);
    }

    /** A worker on B's cluster that fetches artifacts only from {@code coordinators}, in that order. */
    static Worker worker(String id, String coordinators) throws Exception {
        return WorkerFixture.start(farm, b, id, Map.of(WorkerConfig.COORDINATOR_ADDRESS, coordinators));
    }

    /** A loopback address where nothing listens. */
    static String deadAddress() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) { return "127.0.0.1:" + s.getLocalPort(); }
    }

    static SubmitRequest job(String circuit, long x) {
        return SubmitRequest.newBuilder().setCircuit(CircuitRef.newBuilder().setName(circuit)).setInputJson(square.input(x)).build();
    }

    @Test
    void aCircuitRegisteredAtAIsServedByBToAWorkerWhoseFirstCoordinatorIsDown() throws Exception {
        // B learns A's registration from the circuits topic, a poll or two after A wrote it
        assertEquals(List.of(registered), Eventually.await("B to list A's registration", Duration.ofSeconds(30),
                () -> atB.circuits().stream().filter(c -> c.getName().equals("square@1")).toList(), l -> !l.isEmpty()));
        Eventually.await("B to fetch A's artifacts", Duration.ofSeconds(30),
                () -> b.registry().blob(registered.getZkeySha256()).isPresent() && b.registry().blob(registered.getWasmSha256()).isPresent()
                        && b.registry().blob(registered.getVkeySha256()).isPresent());
        try (Worker w = worker("w-b", deadAddress() + ",127.0.0.1:" + b.artifactsPort())) {
            Job done = atB.prove(job("square@1", 5), Duration.ofSeconds(120));
            assertEquals(JobStatus.JOB_STATUS_SUCCEEDED, done.getStatus(), done.toString());
            assertEquals("w-b", done.getResult().getWorkerId());
        }
    }

    @Test
    void aWorkerThatReachesNoCoordinatorHandsTheJobBackUntilOneComesUp() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) { port = s.getLocalPort(); }
        try (Worker w = worker("w-none", deadAddress() + ",127.0.0.1:" + port)) {
            String id = atB.submit(job("square@1", 7)).getJobId();
            Thread.sleep(8000);   // several hand-backs (1 s, 2 s, 3 s apart)
            Job waiting = atB.get(id);
            assertEquals(JobStatus.JOB_STATUS_QUEUED, waiting.getStatus(), "handed back, not failed: " + waiting);
            // a third coordinator comes up on the port the worker knows: it learns the circuit from the registry topic
            // and fetches the bytes from A, then serves them
            Coordinator c = startCoordinator(Map.of(CoordinatorConfig.ARTIFACTS_PORT, Integer.toString(port)));
            try {
                Eventually.await("the handed-back job to be proved", Duration.ofSeconds(60),
                        () -> atB.get(id).getStatus() == JobStatus.JOB_STATUS_SUCCEEDED);
                assertEquals("w-none", atB.get(id).getResult().getWorkerId());
            } finally {
                c.close();
            }
        }
    }

    @Test
    void conflictingRegistrationsAtAAndBEndWithOneCircuitEverywhere() throws Exception {
        TestCircuits.Fixture renamed = TestCircuits.onePublicRenamed();
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Object>> attempts = new ArrayList<>();
        for (var at : List.of(Map.entry(atA, square), Map.entry(atB, renamed)))
            attempts.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                    return at.getKey().register("clash", "1", at.getValue().zkey(), at.getValue().wasm(), at.getValue().vkey());
                } catch (FarmException e) {
                    return e.status();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }));
        go.countDown();
        List<Object> outcomes = attempts.stream().map(CompletableFuture::join).toList();
        List<Circuit> won = outcomes.stream().filter(o -> o instanceof Circuit).map(o -> (Circuit) o).toList();
        List<Status> refused = outcomes.stream().filter(o -> o instanceof Status).map(o -> (Status) o).toList();
        assertEquals(1, won.size(), outcomes.toString());
        assertEquals(Status.Code.ALREADY_EXISTS, refused.getFirst().getCode(), refused.toString());
        assertEquals("circuit clash@1 is already registered with other artifacts; register a new version", refused.getFirst().getDescription());
        for (FarmClient at : List.of(atA, atB))
            assertEquals(won, at.circuits().stream().filter(c -> c.getName().equals("clash@1")).toList(), "one circuit everywhere");
        // and from now on the loser's artifacts are refused at either coordinator
        TestCircuits.Fixture loser = won.getFirst().getWasmSha256().equals(registered.getWasmSha256()) ? renamed : square;
        for (FarmClient at : List.of(atA, atB)) {
            FarmException e = assertThrows(FarmException.class, () -> at.register("clash", "1", loser.zkey(), loser.wasm(), loser.vkey()));
            assertEquals(Status.Code.ALREADY_EXISTS, e.status().getCode());
        }
    }
}
