package org.ppfarm.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.sun.management.HotSpotDiagnosticMXBean;
import io.grpc.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppfarm.broker.EmbeddedKafka;
import org.ppfarm.client.FarmClient;
import org.ppfarm.client.FarmException;
import org.ppfarm.client.RetryPolicy;
import org.ppfarm.coordinator.config.CoordinatorConfig;
import org.ppfarm.farm.config.FarmConfigs;
import org.ppfarm.farm.kafka.FarmTopics;
import org.ppfarm.farm.seal.InputSeal;
import org.ppfarm.coordinator.tenants.TenantAdmin;
import org.ppfarm.proto.v1.CircuitRef;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobStatus;
import org.ppfarm.proto.v1.SubmitBatchResponse;
import org.ppfarm.proto.v1.SubmitRequest;
import org.ppfarm.proto.v1.TenantQuotas;
import org.ppfarm.prover.bn254.Field;
import org.ppfarm.testkit.Artifacts;
import org.ppfarm.testkit.ZeroXBowInputs;
import org.ppfarm.worker.WorkerConfig;

import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16's "the secret never leaves the worker": privacy-pool withdrawals submitted over TLS with an API key and
 * sealed by the client ({@link FarmClient.Builder#sealInputs}) to a farm whose coordinator and worker each run in a
 * JVM of their own (so neither heap holds anything of this test's), with plaintext inputs refused
 * ({@code inputs.plaintext.allowed=false}). Afterwards the notes' nullifiers and secrets, in every form
 * {@link SecretScan} knows, appear nowhere outside this process: not in the coordinator's live heap, not in the
 * worker's live heap once its jobs are done, not in any Kafka log segment, log line or file the nodes wrote. The
 * search is first shown to find them where they are: in this process's own heap, which holds the requests. On the
 * way, bad inputs the coordinator refuses in plaintext fail on the worker with the same message once sealed.
 */
class SealedInputsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final long t0 = System.nanoTime();

    /** Where the test's minutes go, on stderr: a slow run says which step it was. */
    private void step(String done) {
        System.err.printf("SealedInputsTest: %s after %d s%n", done, (System.nanoTime() - t0) / 1_000_000_000L);
    }

    @Test
    void theSecretNeverLeavesTheWorker(@TempDir Path dir) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp")), registry = dir.resolve("registry"), cache = dir.resolve("worker-cache");
        List<String> jvm = List.of("-Xmx1g", "-XX:+UseParallelGC", "--enable-native-access=ALL-UNNAMED", "-Djava.io.tmpdir=" + tmp,
                "-Dorg.slf4j.simpleLogger.log.org.ppfarm=debug"); // the farm's own debug lines are searched too
        // one proof (a withdraw takes tens of seconds on a shared CPU) and one refusal, of the same note
        ZeroXBowInputs.Case note = ZeroXBowInputs.withdrawCases(910, 1, 5, 3, false).getFirst();
        Map<String, BigInteger> secrets = new LinkedHashMap<>();
        JsonNode in = JSON.readTree(note.input());
        for (String s : List.of("existingNullifier", "existingSecret", "newNullifier", "newSecret"))
            secrets.put(s, new BigInteger(in.get(s).asText()));
        SecretScan scan = SecretScan.of(secrets);

        // the search finds the secrets where they are: this process holds the requests (and the circuit inputs)
        Path own = dir.resolve("client.hprof");
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpHeap(own.toString(), true);
        List<SecretScan.Hit> control = scan.scan(own);
        Files.delete(own);
        assertTrue(control.stream().anyMatch(h -> h.form().endsWith("existingSecret decimal")), "the search finds a secret in a heap that holds it: " + control);
        assertFalse(note.request().isEmpty()); // keeps the request reachable until the dump above
        step("the note made and found in this process's heap");

        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), false)) {
            String prefix = "sealed";
            InputSeal.KeyPair keys = InputSeal.KeyPair.generate();
            String relayerKey, rootKey, legacyKey;
            try (TenantAdmin tenants = new TenantAdmin(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                    new FarmTopics(prefix), 4, (short) 1)) {
                relayerKey = tenants.add("relayer", false, TenantQuotas.getDefaultInstance());
                rootKey = tenants.add("root", true, TenantQuotas.getDefaultInstance());
                legacyKey = tenants.add("legacy", false, TenantQuotas.getDefaultInstance(), true);
            }
            ThrowawayCa ca = ThrowawayCa.create("sealed inputs test CA");
            Path caFile = ca.writeCertificate(dir.resolve("ca.pem"));
            ca.issue("coordinator").write(dir.resolve("server.pem"), dir.resolve("server.key"));

            Map<String, Object> c = new HashMap<>();
            c.put(FarmConfigs.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
            c.put(FarmConfigs.KAFKA_TOPIC_PREFIX, prefix);
            c.put(FarmConfigs.KAFKA_TOPIC_PARTITIONS, "4");
            c.put(CoordinatorConfig.COORDINATOR_ID, "coordinator-sealed");
            c.put(CoordinatorConfig.ARTIFACTS_DIR, registry.toString());
            c.put(CoordinatorConfig.SEAL_PUBLIC_KEY, keys.publicKeyBase64());
            c.put(CoordinatorConfig.GRPC_PORT, "0");
            c.put(CoordinatorConfig.ARTIFACTS_PORT, "0");
            c.put(CoordinatorConfig.GRPC_TLS_CERT_FILE, dir.resolve("server.pem").toString());
            c.put(CoordinatorConfig.GRPC_TLS_KEY_FILE, dir.resolve("server.key").toString());
            c.put(CoordinatorConfig.AUTH_REQUIRED, "true");
            c.put(CoordinatorConfig.INPUTS_PLAINTEXT_ALLOWED, "false");
            ChildJvm coordinator = ChildJvm.start(CoordinatorProcess.class, c, dir.resolve("coordinator.log"), jvm);
            ChildJvm worker = null;
            try {
                Matcher m = java.util.regex.Pattern.compile("grpc=(\\d+) artifacts=(\\d+) cluster=(\\S+)").matcher(coordinator.readyLine());
                assertTrue(m.find(), coordinator.readyLine());
                String address = "127.0.0.1:" + m.group(1);
                Map<String, Object> w = new HashMap<>();
                w.put(FarmConfigs.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
                w.put(FarmConfigs.KAFKA_TOPIC_PREFIX, prefix);
                w.put(WorkerConfig.WORKER_ID, "worker-sealed");
                w.put(WorkerConfig.COORDINATOR_ADDRESS, "127.0.0.1:" + m.group(2));
                w.put(WorkerConfig.CACHE_DIR, cache.toString());
                w.put(WorkerConfig.SEAL_KEY_PAIR, keys.encode());
                w.put(WorkerConfig.MSM_TABLE_BYTES, "0"); // one proof per key: tables would cost more than they save
                w.put(FarmConfigs.CLUSTER_SEED_NODES, m.group(3));
                worker = ChildJvm.start(WorkerProcess.class, w, dir.resolve("worker.log"), jvm);
                step("coordinator and worker processes ready");

                try (FarmClient root = FarmClient.builder(address).tls(caFile).apiKey(rootKey).build()) {
                    root.register("withdraw", "1.0.2", Artifacts.withdrawZkey(), Artifacts.withdrawWasm(), Artifacts.withdrawVkey());
                }
                step("withdraw circuit registered");
                String fingerprint = InputSeal.fingerprint(keys.publicKey());
                String jobId;
                try (FarmClient plain = FarmClient.builder(address).tls(caFile).apiKey(relayerKey).retry(RetryPolicy.NONE).build();
                     FarmClient legacy = FarmClient.builder(address).tls(caFile).apiKey(legacyKey).retry(RetryPolicy.NONE).build();
                     FarmClient pinnedElsewhere = FarmClient.builder(address).tls(caFile).apiKey(relayerKey)
                             .sealInputs(InputSeal.fingerprint(InputSeal.KeyPair.generate().publicKey())).build();
                     FarmClient client = FarmClient.builder(address).tls(caFile).apiKey(relayerKey).sealInputs(fingerprint)
                             .proveDeadline(Duration.ofMinutes(5)).build()) {
                    assertEquals(fingerprint, client.sealingKey().getFingerprint());
                    // a plaintext input is refused, whatever it holds (it did cross the wire: so not this note's)
                    FarmException refused = assertThrows(FarmException.class, () -> plain.submit(withdraw("{\"note\":{}}")));
                    assertEquals(Status.Code.FAILED_PRECONDITION, refused.code());
                    assertTrue(refused.status().getDescription().contains("inputs.plaintext.allowed=false"), refused.status().getDescription());
                    // but not from a tenant allowed plaintext (tenants add --allow-plaintext): the coordinator checks it as it comes
                    FarmException checked = assertThrows(FarmException.class, () -> legacy.submit(withdraw("{\"note\":{}}")));
                    assertEquals(Status.Code.INVALID_ARGUMENT, checked.code(), checked.getMessage());
                    assertTrue(checked.status().getDescription().startsWith("withdraw request: "), checked.status().getDescription());
                    // a client pinned to another key sends nothing (its submission fails before any call)
                    FarmException mismatch = assertThrows(FarmException.class, () -> pinnedElsewhere.submit(withdraw(note.request())));
                    assertEquals(Status.Code.FAILED_PRECONDITION, mismatch.code());
                    assertTrue(mismatch.status().getDescription().startsWith("seal key fingerprint: the farm's sealing key is " + fingerprint),
                            mismatch.status().getDescription());

                    SubmitBatchResponse batch = client.submitBatch(List.of(withdraw(note.request())), true, Duration.ofMinutes(5));
                    assertProves(note, batch.getResults(0).getJob());
                    jobId = batch.getResults(0).getJob().getJobId();
                    step("the sealed withdrawal proved");
                    // an impossible withdrawal of the same note fails on the worker, as the coordinator refuses it in plaintext
                    String tooMuch = note.request().replaceFirst("\"withdrawnValue\"\\s*:\\s*\"[0-9]+\"", "\"withdrawnValue\":\"" + "9".repeat(30) + "\"");
                    FarmException impossible = assertThrows(FarmException.class, () -> client.prove(withdraw(tooMuch)));
                    assertEquals(Status.Code.INVALID_ARGUMENT, impossible.code());
                    String why = impossible.status().getDescription();
                    assertTrue(why.startsWith("withdraw request: ") && why.contains("withdrawnValue"), why);
                    sealedBadInputsFailAsPlaintextOnesAreRefused(legacy, client);
                    step("bad inputs refused alike, plaintext and sealed");
                }

                // the jobs are done: what the nodes hold and wrote now
                Path coordinatorHeap = coordinator.heapDump(dir.resolve("coordinator.hprof"));
                Path workerHeap = worker.heapDump(dir.resolve("worker.hprof"));
                step("heaps dumped");
                Path[] searched = {coordinatorHeap, workerHeap, dir.resolve("kafka"), coordinator.output(), worker.output(), tmp, registry, cache};
                // the Kafka log segments searched are the farm's: they hold the jobs' records, their ids in the clear
                assertFalse(SecretScan.ofText("job id", jobId).scan(dir.resolve("kafka")).isEmpty(),
                        "the job's record is in the searched Kafka log segments");
                List<SecretScan.Hit> hits = scan.scan(searched);
                step("searched");
                assertEquals(List.of(), hits, "a note's nullifier or secret outside the client's process");
            } finally {
                if (worker != null) worker.kill();
                coordinator.kill();
            }
        }
    }

    /**
     * Bad circuit inputs the coordinator refuses in plaintext ({@code legacy}, a tenant allowed plaintext) fail the
     * same way once sealed by the client ({@code sealing}), where only the worker sees them: INVALID_ARGUMENT with the
     * coordinator's message, word for word.
     */
    private static void sealedBadInputsFailAsPlaintextOnesAreRefused(FarmClient legacy, FarmClient sealing) {
        String r = Field.FR.modulus().toString();
        Map<String, SubmitRequest> bad = new LinkedHashMap<>();
        bad.put("a value ≥ r", json("{\"in\":[\"1\",\"2\",\"" + r + "\"]}"));
        bad.put("a negative value", json("{\"a\":\"1\",\"b\":[[\"-3\"]]}"));
        bad.put("malformed JSON", json("{\"in\":[1,2"));
        bad.put("an empty object", json("{}"));
        bad.put("not a .wtns", SubmitRequest.newBuilder().setCircuit(CircuitRef.newBuilder().setName("withdraw"))
                .setWtns(ByteString.copyFromUtf8("wtns, but not really")).build());
        Map<String, String> expected = Map.of("a value ≥ r", "input signal 'in[2]': value ≥ r",
                "a negative value", "input signal 'b[0][0]': negative value", "malformed JSON", "input: malformed JSON at line 1",
                "an empty object", "input: no signals", "not a .wtns", "wtns: ");
        bad.forEach((what, req) -> {
            FarmException refused = assertThrows(FarmException.class, () -> legacy.submit(req), what);
            assertEquals(Status.Code.INVALID_ARGUMENT, refused.code(), what + ": " + refused.getMessage());
            String m = refused.status().getDescription();
            assertTrue(m.startsWith(expected.get(what)), what + ": the coordinator's message " + m);
            FarmException failed = assertThrows(FarmException.class, () -> sealing.prove(req), what);
            assertEquals(Status.Code.INVALID_ARGUMENT, failed.code(), what + ": " + failed.getMessage());
            assertEquals(m, failed.status().getDescription(), what + ": the worker's message for the sealed input");
        });
    }

    private static SubmitRequest json(String input) {
        return SubmitRequest.newBuilder().setCircuit(CircuitRef.newBuilder().setName("withdraw")).setInputJson(input).build();
    }

    private static SubmitRequest withdraw(String request) {
        return SubmitRequest.newBuilder().setCircuit(CircuitRef.newBuilder().setName("withdraw")).setWithdrawRequestJson(request).build();
    }

    private static void assertProves(ZeroXBowInputs.Case c, Job job) {
        assertEquals(JobStatus.JOB_STATUS_SUCCEEDED, job.getStatus(), job.getError().getMessage());
        List<String> signals = job.getResult().getPublicSignalsList().stream().map(b -> new BigInteger(1, b.toByteArray()).toString()).toList();
        assertEquals(c.publicSignals(), signals);
    }
}
