package org.ppfarm.cli;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.ppfarm.client.FarmClient;
import org.ppfarm.client.RetryPolicy;
import org.ppfarm.farm.seal.InputSeal;
import org.ppfarm.prover.groth16.Proof;
import org.ppfarm.prover.groth16.PublicSignals;
import org.ppfarm.prover.groth16.VerificationKey;
import org.ppfarm.prover.groth16.Verifier;
import org.ppfarm.proto.v1.CircuitRef;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobStatus;
import org.ppfarm.proto.v1.SubmitBatchResult;
import org.ppfarm.proto.v1.SubmitRequest;
import org.ppfarm.testkit.Artifacts;
import org.ppfarm.testkit.Eventually;
import org.ppfarm.testkit.Snarkjs;
import org.ppfarm.testkit.ZeroXBowInputs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The farm as an operator runs it, and what it survives (issue 14): a KRaft broker ({@code ppfarm kafka}), three
 * coordinators and two workers ({@code ppfarm coordinator|worker}), each its own OS process, configured only through
 * documented keys. Under ~200 jobs (commitment and withdraw; Submit, SubmitBatch and Prove; through every coordinator)
 * the test SIGKILLs a worker, SIGKILLs the oldest coordinator (the first seed node, lowest address), and SIGKILLs and
 * restarts the broker on its data directory. Then: every accepted job has exactly one terminal result, the same at
 * every live coordinator; every proof verifies; every client got its job's result (Prove calls retried on a live
 * coordinator under their idempotency key); no job was made twice; the survivors' health says SERVING. The time each
 * fault took to recover from (a probe proof through the farm) is printed.
 */
class FarmChaosTest {
    private static final String CP = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    private static final Pattern COORDINATOR_READY = Pattern.compile("coordinator (\\S+) ready on (\\S+), artifacts on (\\S+)");
    private static final Pattern KAFKA_READY = Pattern.compile("ready.*?(127\\.0\\.0\\.1:\\d+)");
    /** Every farm topic's partitions (kafka.topic.partitions): the events topic's that a survivor must come to own. */
    private static final int PARTITIONS = 6;
    /** Every node's kafka.session.timeout.ms: how soon a SIGKILLed node's partitions move to the others. */
    private static final int SESSION_TIMEOUT_MS = 6000;

    private final List<Node> nodes = Collections.synchronizedList(new ArrayList<>());

    /** One farm process: its output goes to a log file and is scanned for its ready line. */
    static final class Node {
        final String name;
        final Process process;
        final Path log;
        final CompletableFuture<Matcher> ready = new CompletableFuture<>();

        Node(String name, Process process, Path log, Pattern readyLine) {
            this.name = name;
            this.process = process;
            this.log = log;
            Thread.ofPlatform().daemon().name("out-" + name).start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                     PrintWriter w = new PrintWriter(Files.newBufferedWriter(log))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        w.println(line);
                        w.flush();
                        Matcher m = readyLine.matcher(line);
                        if (!ready.isDone() && m.find()) ready.complete(m);
                    }
                } catch (IOException ignored) { /* the process ended */ }
                ready.completeExceptionally(new AssertionError(name + " exited before it was ready; its log: " + log));
            });
        }

        Matcher awaitReady() throws Exception { return ready.get(180, TimeUnit.SECONDS); }

        void kill() throws InterruptedException {
            process.destroyForcibly(); // SIGKILL
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private Node start(Path dir, String name, Pattern readyLine, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx1g", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED", "-cp", CP, Ppfarm.class.getName()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Node n = new Node(name, p, dir.resolve(name + ".log"), readyLine);
        nodes.add(n);
        return n;
    }

    @AfterEach
    void stopAll(TestInfo test) throws Exception {
        // each process's log and exit status kept under target/ for whoever reads a failure
        Path keep = Path.of("target", "farm-chaos-logs", test.getTestMethod().orElseThrow().getName());
        Files.createDirectories(keep);
        for (Node n : nodes) {
            String status = n.process.isAlive() ? "alive at the end" : "exited " + n.process.exitValue();
            n.kill();
            Files.writeString(keep.resolve(n.name + ".log"), "# " + n.name + ": " + status + "\n" + readQuietly(n.log));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) { return s.getLocalPort(); }
    }

    /** A farm of processes: a broker, coordinators and workers, each started through the CLI as an operator would. */
    private final class Farm {
        final Path dir;
        final List<String> kafkaArgs;
        final String bootstrap;
        final List<Node> coordinators = new ArrayList<>();
        final List<String> apis = new ArrayList<>();
        final List<Integer> metricsPorts = new ArrayList<>();
        final List<Node> workers = new ArrayList<>();
        Node broker;

        /** Starts the broker, then the coordinators one at a time (the first is the oldest), then the workers. */
        Farm(Path dir, int coordinatorCount, int workerCount, List<String> extra) throws Exception {
            this.dir = dir;
            int kafkaPort = freePort();
            kafkaArgs = List.of("kafka", "--data-dir", dir.resolve("kafka").toString(), "--port", Integer.toString(kafkaPort));
            broker = start(dir, "kafka", KAFKA_READY, kafkaArgs);
            bootstrap = broker.awaitReady().group(1);

            InputSeal.KeyPair keys = InputSeal.KeyPair.generate();
            List<Integer> clusterPorts = new ArrayList<>();
            for (int i = 0; i < coordinatorCount; i++) clusterPorts.add(freePort());
            Collections.sort(clusterPorts); // the first coordinator, the oldest, has the lowest address
            List<String> seeds = clusterPorts.stream().map(p -> "pekko://ppfarm@127.0.0.1:" + p).toList();
            List<String> common = new ArrayList<>(List.of("kafka.bootstrap.servers=" + bootstrap, "kafka.topic.prefix=chaos",
                    "kafka.topic.partitions=" + PARTITIONS, "kafka.session.timeout.ms=" + SESSION_TIMEOUT_MS));
            common.addAll(extra);

            List<String> artifactAddresses = new ArrayList<>();
            for (int i = 0; i < coordinatorCount; i++) {
                int metricsPort = freePort();
                List<String> a = new ArrayList<>(List.of("coordinator"));
                a.addAll(common);
                a.addAll(List.of("coordinator.id=c" + i, "grpc.port=0", "artifacts.port=0", "cluster.port=" + clusterPorts.get(i),
                        // the first forms the cluster; the others join it (or each other, if it is gone)
                        "cluster.seed.nodes=" + (i == 0 ? seeds.get(0) : String.join(",", seeds)),
                        "artifacts.dir=" + dir.resolve("artifacts-c" + i), "seal.public.key=" + keys.publicKeyBase64(),
                        "metrics.port=" + metricsPort));
                Node c = start(dir, "c" + i, COORDINATOR_READY, a);
                Matcher ready = c.awaitReady(); // one at a time: the first must be the oldest member
                coordinators.add(c);
                apis.add(ready.group(2));
                artifactAddresses.add(ready.group(3));
                metricsPorts.add(metricsPort);
            }
            for (int i = 0; i < workerCount; i++) {
                List<String> a = new ArrayList<>(List.of("worker"));
                a.addAll(common);
                a.addAll(List.of("worker.id=w" + i, "coordinator.address=" + String.join(",", artifactAddresses),
                        "seal.key.pair=" + keys.encode(), "artifacts.cache.dir=" + dir.resolve("cache-w" + i),
                        "cluster.seed.nodes=" + String.join(",", seeds), "worker.msm.table.bytes=0"));
                workers.add(start(dir, "w" + i, Pattern.compile("worker (\\S+) ready"), a));
            }
            for (Node w : workers) w.awaitReady();
        }

        void restartBroker() throws Exception {
            broker = start(dir, "kafka-restarted", KAFKA_READY, kafkaArgs);
            broker.awaitReady();
        }
    }

    @Test
    void farmOfProcessesSurvivesAKilledWorkerAKilledCoordinatorAndABrokerRestart(@TempDir Path dir) throws Exception {
        Farm farm = new Farm(dir, 3, 2, List.of());
        List<Node> coordinators = farm.coordinators, workers = farm.workers;
        List<String> apis = farm.apis;
        List<Integer> metricsPorts = farm.metricsPorts;
        String bootstrap = farm.bootstrap;

        // enough attempts to outlast a coordinator's death and the broker's restart
        RetryPolicy patient = new RetryPolicy(60, Duration.ofMillis(200), Duration.ofSeconds(2), 2, RetryPolicy.DEFAULT.retryOn());
        try (FarmClient all = FarmClient.builder(String.join(",", apis)).retry(patient).build()) {
            // registered once, at one coordinator: every coordinator knows it (the replicated registry)
            all.register("commitment", "1.0.2", Artifacts.commitmentZkey(), Artifacts.commitmentWasm(), Artifacts.commitmentVkey());
            all.register("withdraw", "1.0.2", Artifacts.withdrawZkey(), Artifacts.withdrawWasm(), Artifacts.withdrawVkey());
            awaitRegisteredEverywhere(apis, "commitment@1.0.2", "withdraw@1.0.2");
            Job warm = all.prove(commitment(0), Duration.ofMinutes(3));
            assertEquals(JobStatus.JOB_STATUS_SUCCEEDED, warm.getStatus());
            Set<String> probes = ConcurrentHashMap.newKeySet();
            probes.add(warm.getJobId());

            VerificationKey commitmentVk = VerificationKey.readJson(Artifacts.commitmentVkey());
            VerificationKey withdrawVk = VerificationKey.readJson(Artifacts.withdrawVkey());
            List<ZeroXBowInputs.Case> withdraws = ZeroXBowInputs.withdrawCases(900, 9, 5, 3, false);

            // ~200 jobs from a pool of client threads while the faults happen
            Map<String, String> jobCircuit = new ConcurrentHashMap<>(); // job id → circuit
            Map<String, Job> proveResults = new ConcurrentHashMap<>();   // job id → what a Prove call returned
            List<Throwable> clientFailures = Collections.synchronizedList(new ArrayList<>());
            ExecutorService clients = Executors.newFixedThreadPool(6);
            List<CompletableFuture<Void>> load = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < 25; i++) {
                int round = i;
                load.add(CompletableFuture.runAsync(() -> {
                    try {
                        // a SubmitBatch of 4 at one coordinator
                        try (FarmClient one = FarmClient.builder(apis.get(round % 3)).retry(patient).build()) {
                            batch(one, round, jobCircuit);
                        } catch (RuntimeException e) {
                            // a batch its coordinator could not answer (it died): the same keys through the others
                            batch(all, round, jobCircuit);
                        }
                        // three Submits and one Prove through the list of coordinators
                        for (int k = 0; k < 3; k++) {
                            jobCircuit.put(all.submit(commitment(2000 + round * 10 + k)).getJobId(), "commitment");
                        }
                        Job p = all.prove(commitment(3000 + round), Duration.ofMinutes(5));
                        proveResults.put(p.getJobId(), p);
                        jobCircuit.put(p.getJobId(), "commitment");
                        if (round % 3 == 0) { // a withdraw every third round, as a privacy-pool request
                            ZeroXBowInputs.Case c = withdraws.get(round / 3);
                            Job w = all.prove(SubmitRequest.newBuilder().setCircuit(CircuitRef.newBuilder().setName("withdraw"))
                                    .setWithdrawRequestJson(c.request()).build(), Duration.ofMinutes(8));
                            proveResults.put(w.getJobId(), w);
                            jobCircuit.put(w.getJobId(), "withdraw");
                        }
                    } catch (Throwable t) {
                        clientFailures.add(t);
                    }
                }, clients));
            }

            Map<String, Double> recovery = new LinkedHashMap<>();
            Thread.sleep(8_000);
            workers.get(0).kill();
            recovery.put("worker w0 SIGKILLed", recover(all, 1, probes));
            coordinators.get(0).kill();
            recovery.put("coordinator c0 (oldest, first seed) SIGKILLed", recover(all, 2, probes));
            farm.broker.kill();
            Thread.sleep(5_000);
            farm.restartBroker();
            recovery.put("broker SIGKILLed, down 5 s, restarted", recover(all, 3, probes));

            CompletableFuture.allOf(load.toArray(CompletableFuture[]::new)).get(15, TimeUnit.MINUTES);
            clients.shutdown();
            for (Throwable t : clientFailures) t.printStackTrace();
            assertTrue(clientFailures.isEmpty(), () -> "clients lost calls: " + clientFailures);
            System.out.printf("chaos: %d jobs accepted in %.0f s; recovery: %s%n", jobCircuit.size(), (System.nanoTime() - t0) / 1e9, recovery);

            // every accepted job: exactly one terminal result, the same at every live coordinator, and it verifies
            List<FarmClient> live = new ArrayList<>();
            for (int i = 1; i < 3; i++) live.add(FarmClient.builder(apis.get(i)).retry(patient).build());
            try {
                for (Map.Entry<String, String> j : jobCircuit.entrySet()) {
                    Job done = Eventually.await("job " + j.getKey() + " to finish", Duration.ofMinutes(5), () -> live.get(0).get(j.getKey()),
                            x -> x.getStatus() != JobStatus.JOB_STATUS_QUEUED && x.getStatus() != JobStatus.JOB_STATUS_RUNNING);
                    assertEquals(JobStatus.JOB_STATUS_SUCCEEDED, done.getStatus(), j.getKey() + ": " + done.getError().getMessage());
                    Job atOther = Eventually.await("job " + j.getKey() + " at the other coordinator", Duration.ofSeconds(60),
                            () -> live.get(1).get(j.getKey()), x -> x.getStatus() == JobStatus.JOB_STATUS_SUCCEEDED);
                    assertEquals(done.getResult(), atOther.getResult(), "one result, the same at every live coordinator: " + j.getKey());
                    VerificationKey vk = j.getValue().equals("withdraw") ? withdrawVk : commitmentVk;
                    assertTrue(Verifier.verify(vk, PublicSignals.parseJson(done.getResult().getPublicJson(), "public"),
                            Proof.parseJson(done.getResult().getProofJson(), "proof")), "proof of " + j.getKey() + " verifies");
                }
                // what a Prove caller was answered is a proof of that job (both verify; a redelivered job's answer may be
                // the first of two proofs made)
                for (Job p : proveResults.values())
                    assertTrue(Verifier.verify(j(p).equals("withdraw") ? withdrawVk : commitmentVk,
                            PublicSignals.parseJson(p.getResult().getPublicJson(), "public"), Proof.parseJson(p.getResult().getProofJson(), "proof")));
                // a sample through snarkjs as well
                Job sample = proveResults.values().stream().filter(p -> j(p).equals("withdraw")).findFirst().orElseThrow();
                Path proof = Files.writeString(dir.resolve("proof.json"), sample.getResult().getProofJson());
                Path pub = Files.writeString(dir.resolve("public.json"), sample.getResult().getPublicJson());
                assertTrue(Snarkjs.groth16Verify(Artifacts.withdrawVkey(), pub, proof), "snarkjs accepts a withdraw proof made under faults");

                // nothing made twice: 25 × (4 + 3 + 1) commitment jobs + 9 withdraws, each id once, and the farm's state
                // topic holds those jobs and the probes, no other (a retried submission that made a second job would)
                assertEquals(25 * 8 + 9, jobCircuit.size(), "every logical submission is one job");
                Set<String> expected = new java.util.HashSet<>(jobCircuit.keySet());
                expected.addAll(probes);
                assertEquals(expected, jobsInStateTopic(bootstrap, "chaos.state"), "the jobs the farm made are the ones its clients were given");
                // the survivors say they serve, and tell the cluster as it is: the killed coordinator and worker were
                // downed and removed (FarmDowning: two coordinators outnumber the dead one)
                for (int i = 1; i < 3; i++) {
                    assertEquals(HealthCheckResponse.ServingStatus.SERVING, health(apis.get(i)), "c" + i + " health");
                    int port = metricsPorts.get(i);
                    assertEquals("ok", http(port, "/ready").strip(), "c" + i + " /ready");
                    Eventually.await("c" + i + " to see 2 coordinators and 1 worker, none unreachable", Duration.ofSeconds(60),
                            () -> http(port, "/metrics"), m -> gauge(m, "ppfarm_cluster_members", "coordinator") == 2
                                    && gauge(m, "ppfarm_cluster_members", "worker") == 1
                                    && gauge(m, "ppfarm_cluster_unreachable_members", "coordinator") == 0);
                }
            } finally {
                for (FarmClient c : live) c.close();
            }
        }
    }

    /**
     * Issue 14's first finding: of two coordinators, killing the oldest (first seed, lowest address) downed the
     * survivor. Harder still, as the two-coordinator chaos campaign found: the oldest coordinator and a worker die
     * together, which leaves a tie (one coordinator and one worker on each side) that the counts give to the dead
     * oldest's side. Kafka's witness (MemberHeartbeats: the dead are silent there) keeps the survivors: the surviving
     * coordinator keeps proving, keeps answering for jobs made before, downs the dead, and its process stays up and ready.
     */
    @Test
    void ofTwoCoordinatorsTheSurvivorOfTheOldestsDeathKeepsServing(@TempDir Path dir) throws Exception {
        Farm farm = new Farm(dir, 2, 2, List.of("cluster.downing.stable.after.ms=3000"));
        RetryPolicy patient = new RetryPolicy(60, Duration.ofMillis(200), Duration.ofSeconds(2), 2, RetryPolicy.DEFAULT.retryOn());
        Job before;
        try (FarmClient all = FarmClient.builder(String.join(",", farm.apis)).retry(patient).build()) {
            all.register("commitment", "1.0.2", Artifacts.commitmentZkey(), Artifacts.commitmentWasm(), Artifacts.commitmentVkey());
            awaitRegisteredEverywhere(farm.apis, "commitment@1.0.2");
            before = all.prove(commitment(0), Duration.ofMinutes(3));
            assertEquals(JobStatus.JOB_STATUS_SUCCEEDED, before.getStatus());
        }
        farm.coordinators.get(0).kill();
        long killedAt = System.nanoTime();
        farm.workers.get(0).kill();
        // the dead coordinator's share of the events topic is the survivor's within the session timeout (and a
        // rebalance): until then nobody merges the events on it, and a job whose result the dead one had told its
        // client, but not yet written to the state topic, shows RUNNING at the survivor (Kafka's default, 45 s)
        Set<TopicPartition> events = java.util.stream.IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition("chaos.events", p))
                .collect(java.util.stream.Collectors.toSet());
        Eventually.await("c1 alone to own every events partition", Duration.ofMillis(SESSION_TIMEOUT_MS + 10_000),
                () -> groupAssignment(farm.bootstrap, "chaos.coordinators"), a -> a.equals(Map.of("c1", events)));
        double takenOver = (System.nanoTime() - killedAt) / 1e9;
        System.out.printf("the events partitions were c1's alone %.1f s after c0's SIGKILL (session timeout %d ms)%n", takenOver, SESSION_TIMEOUT_MS);
        int port = farm.metricsPorts.get(1);
        try (FarmClient survivor = FarmClient.builder(farm.apis.get(1)).retry(patient).build()) {
            // the dead coordinator and worker are downed and removed; the survivors stay members
            Eventually.await("c1 to see 1 coordinator and 1 worker, none unreachable", Duration.ofSeconds(90),
                    () -> http(port, "/metrics"), m -> gauge(m, "ppfarm_cluster_members", "coordinator") == 1
                            && gauge(m, "ppfarm_cluster_members", "worker") == 1
                            && gauge(m, "ppfarm_cluster_unreachable_members", "coordinator") == 0);
            // past another stable while, it has not downed itself: alive, ready, serving, proving
            Thread.sleep(6_000);
            assertTrue(farm.coordinators.get(1).process.isAlive(), "the survivor's process is up");
            assertEquals("ok", http(port, "/ready").strip(), "c1 /ready");
            assertEquals(HealthCheckResponse.ServingStatus.SERVING, health(farm.apis.get(1)), "c1 health");
            assertEquals(before.getResult(), survivor.get(before.getJobId()).getResult(), "a job made before is still answered");
            Job after = survivor.prove(commitment(1), Duration.ofMinutes(3));
            assertEquals(JobStatus.JOB_STATUS_SUCCEEDED, after.getStatus(), after.getError().getMessage());
            assertTrue(farm.workers.get(1).process.isAlive(), "the surviving worker stays up");
        }
    }

    /**
     * Waits until every coordinator lists {@code circuits}: a registration reaches the others through the circuits
     * topic within moments (docs/operations.md), and a job sent to one that has not read it yet is NOT_FOUND.
     */
    private static void awaitRegisteredEverywhere(List<String> apis, String... circuits) {
        for (String api : apis)
            try (FarmClient one = FarmClient.builder(api).build()) {
                Eventually.await(api + " to know " + List.of(circuits), Duration.ofSeconds(60),
                        () -> one.circuits().stream().map(c -> c.getName()).toList(), names -> names.containsAll(List.of(circuits)));
            }
    }

    private static String readQuietly(Path p) {
        try { return Files.readString(p); } catch (IOException e) { return e.toString(); }
    }

    /** A SubmitBatch of 4 commitment jobs, each under its own idempotency key; records each accepted job. */
    private static void batch(FarmClient client, int round, Map<String, String> jobCircuit) {
        List<SubmitRequest> jobs = new ArrayList<>();
        for (int k = 0; k < 4; k++) jobs.add(commitment(1000 + round * 10 + k).toBuilder().setIdempotencyKey("batch-" + round + "-" + k).build());
        for (SubmitBatchResult r : client.submitBatch(jobs, false, Duration.ofMinutes(5)).getResultsList()) {
            assertTrue(r.hasSubmitted(), () -> "batch job refused: " + r.getError().getMessage());
            jobCircuit.put(r.getSubmitted().getJobId(), "commitment");
        }
    }

    private static String j(Job job) { return job.getCircuit().getName().startsWith("withdraw") ? "withdraw" : "commitment"; }

    /** Seconds from now until a probe commitment proof comes back through the farm. */
    private static double recover(FarmClient all, int probe, Set<String> probes) {
        long t = System.nanoTime();
        Job j = all.prove(commitment(90_000 + probe), Duration.ofMinutes(5));
        assertEquals(JobStatus.JOB_STATUS_SUCCEEDED, j.getStatus());
        probes.add(j.getJobId());
        return Math.round((System.nanoTime() - t) / 1e8) / 10.0;
    }

    /**
     * Each member of consumer group {@code group} (by its client id's prefix, the node's id) and the partitions it is
     * assigned; empty while the group rebalances.
     */
    private static Map<String, Set<TopicPartition>> groupAssignment(String bootstrap, String group) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            ConsumerGroupDescription g = admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group);
            Map<String, Set<TopicPartition>> out = new HashMap<>();
            for (MemberDescription m : g.members())
                out.put(m.clientId().substring(0, m.clientId().indexOf('-')), m.assignment().topicPartitions());
            return out;
        }
    }

    /** Every job id with a live (not deleted) state in the state topic. */
    private static Set<String> jobsInStateTopic(String bootstrap, String topic) {
        Map<String, Object> p = Map.of("bootstrap.servers", bootstrap, "key.deserializer", StringDeserializer.class.getName(),
                "value.deserializer", ByteArrayDeserializer.class.getName());
        Map<String, Boolean> live = new HashMap<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)))
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofSeconds(1))) live.put(r.key(), r.value() != null);
        }
        Set<String> ids = new java.util.HashSet<>();
        live.forEach((k, v) -> { if (v) ids.add(k); });
        return ids;
    }

    /** The body of GET http://127.0.0.1:port/path (any status). */
    private static String http(int port, String path) {
        try (java.net.http.HttpClient c = java.net.http.HttpClient.newHttpClient()) {
            return c.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The value of {@code name{role="role"}} in a Prometheus text exposition, or -1. */
    private static double gauge(String metrics, String name, String role) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{role=\"" + role + "\"\\} (\\S+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private static HealthCheckResponse.ServingStatus health(String address) {
        ManagedChannel ch = NettyChannelBuilder.forTarget(address).usePlaintext().build();
        try {
            return HealthGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.newBuilder().setService("ppfarm.v1.Prover").build()).getStatus();
        } finally {
            ch.shutdownNow();
        }
    }

    private static SubmitRequest commitment(long i) {
        return SubmitRequest.newBuilder().setCircuit(CircuitRef.newBuilder().setName("commitment"))
                .setInputJson("{\"value\":\"" + (1000 + i) + "\",\"label\":\"" + (7 + i) + "\",\"nullifier\":\"" + (123 + i)
                        + "\",\"secret\":\"" + (456 + i) + "\"}").build();
    }
}
