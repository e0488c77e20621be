package org.ppfarm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppfarm.coordinator.config.CoordinatorConfig;
import org.ppfarm.farm.config.FarmConfigs;
import org.ppfarm.farm.seal.InputSeal;
import org.ppfarm.worker.WorkerConfig;

/**
 * The operator's tools: {@code ppfarm kafka} as its own OS process (records survive a SIGKILL and a restart on the
 * same directory and port; SIGTERM shuts it down cleanly), {@code ppfarm keys seal} (a pair the servers' settings take
 * and that seals and opens; owner-only private file; no overwrite), and servers' settings checked before anything starts.
 */
class OperatorCommandsTest {
    @TempDir Path dir;

    @Test
    void kafkaKeepsItsRecordsAcrossAKillAndARestartOnTheSameDirectoryAndPort() throws Exception {
        Path data = dir.resolve("kafka");
        int port = freePort();
        Process first = startKafka(data, port);
        try {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port))) {
                admin.createTopics(List.of(new NewTopic("ops", 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
            }
            try (var p = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port,
                    ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
                p.send(new ProducerRecord<>("ops", "job-1", "done")).get(60, TimeUnit.SECONDS);
            }
        } finally {
            first.destroyForcibly(); // SIGKILL: a crashed broker
            first.waitFor(30, TimeUnit.SECONDS);
        }
        Process second = startKafka(data, port);
        try {
            assertEquals(List.of("job-1=done"), readAll("127.0.0.1:" + port, "ops", 1));
        } finally {
            second.destroy(); // SIGTERM: the broker shuts down cleanly, marking its log directory so
            assertTrue(second.waitFor(60, TimeUnit.SECONDS), "the broker exits on SIGTERM");
        }
        assertTrue(Files.exists(data.resolve("log").resolve(".kafka_cleanshutdown")), "a clean shutdown of the log");
    }

    @Test
    void kafkaRefusesAPortInUseInOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            PpfarmCliTest.ppfarm("kafka", "--data-dir", dir.resolve("k"), "--port", taken.getLocalPort())
                    .assertOneLineError("cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
        PpfarmCliTest.ppfarm("kafka", "--data-dir", dir.resolve("k"), "--port", 70000).assertOneLineError("--port", "70000");
        PpfarmCliTest.ppfarm("kafka", "--data-dir", dir.resolve("k"), "--host", "0.0.0.0").assertOneLineError("--advertised-host");
    }

    @Test
    void sealKeysAreAPairTheServersTakeAndThatSealsAndOpens() throws Exception {
        Path keys = dir.resolve("keys");
        PpfarmCliTest.Run r = PpfarmCliTest.ppfarm("keys", "seal", "--out-dir", keys);
        assertEquals(Ppfarm.OK, r.code(), r.err());
        Path pub = keys.resolve("seal-public.properties"), priv = keys.resolve("seal-private.properties");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(priv)));

        // each file is a settings file its server takes after its own settings, as docs/operations.md says
        CoordinatorConfig coordinator = new CoordinatorConfig(FarmConfigs.load(List.of("kafka.bootstrap.servers=127.0.0.1:9092",
                "artifacts.dir=" + dir.resolve("registry"), pub.toString())));
        WorkerConfig worker = new WorkerConfig(FarmConfigs.load(List.of("kafka.bootstrap.servers=127.0.0.1:9092",
                "coordinator.address=127.0.0.1:50052", "artifacts.cache.dir=" + dir.resolve("cache"), priv.toString())));
        assertArrayEquals(coordinator.sealPublicKey(), worker.keyPair().publicKey());
        byte[] input = "{\"secret\":\"8\"}".getBytes(StandardCharsets.UTF_8);
        var sealed = new InputSeal.Sealer(coordinator.sealPublicKey()).seal("job-1", input.clone());
        assertArrayEquals(input, new InputSeal.Opener(worker.keyPair()).open("job-1", sealed));

        // the public line is printed to paste; the private key never is
        assertTrue(r.out().lines().anyMatch(l -> l.equals("seal.public.key=" + worker.keyPair().publicKeyBase64())), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("seal-key-fingerprint: " + InputSeal.fingerprint(worker.keyPair().publicKey()) + " ")), r.out());
        String privateB64 = java.util.Base64.getEncoder().encodeToString(worker.keyPair().privateKey());
        assertFalse(r.out().contains(privateB64) || r.err().contains(privateB64), "the private key is printed");

        String before = Files.readString(priv);
        PpfarmCliTest.ppfarm("keys", "seal", "--out-dir", keys).assertOneLineError("seal-public.properties", "already exists");
        assertEquals(before, Files.readString(priv), "the private key is not replaced");
        Files.delete(pub);
        PpfarmCliTest.ppfarm("keys", "seal", "--out-dir", keys).assertOneLineError("seal-private.properties", "already exists");
        assertFalse(Files.exists(pub), "nothing written when one file exists");
    }

    @Test
    void unknownOrBadSettingsAreRefusedInOneLineBeforeAServerStarts() throws Exception {
        InputSeal.KeyPair keys = InputSeal.KeyPair.generate();
        List<String> coordinator = List.of("coordinator", "kafka.bootstrap.servers=127.0.0.1:1", "artifacts.dir=" + dir.resolve("r"),
                "seal.public.key=" + keys.publicKeyBase64());
        List<String> worker = List.of("worker", "kafka.bootstrap.servers=127.0.0.1:1", "coordinator.address=127.0.0.1:2",
                "artifacts.cache.dir=" + dir.resolve("c"), "seal.key.pair=" + keys.encode());
        run(coordinator, "grpc.prot=1").assertOneLineError("ppfarm coordinator", "unknown config key 'grpc.prot'", "(did you mean 'grpc.port'?)");
        run(worker, "worker.concurency=2").assertOneLineError("ppfarm worker", "unknown config key 'worker.concurency'", "'worker.concurrency'");
        run(worker, "no.such.thing=1").assertOneLineError("unknown config key 'no.such.thing'");
        assertFalse(run(worker, "no.such.thing=1").err().contains("did you mean"));
        // a misspelt required key is reported as misspelt, not as missing
        Path props = Files.writeString(dir.resolve("c.properties"), "kafka.bootstrap.server=127.0.0.1:1\n");
        PpfarmCliTest.ppfarm("coordinator", props, "artifacts.dir=x", "seal.public.key=" + keys.publicKeyBase64())
                .assertOneLineError("unknown config key 'kafka.bootstrap.server'", "'kafka.bootstrap.servers'");
        run(coordinator, "grpc.port=abc").assertOneLineError("ppfarm coordinator: settings:", "grpc.port", "abc");
        run(coordinator, "grpc.port=70000").assertOneLineError("grpc.port", "70000");
        run(worker, "worker.prefetch=0").assertOneLineError("worker.prefetch");
        run(worker, "worker.batch.max=3").assertOneLineError("worker.batch.max", "must be at most worker.concurrency (2)");
        run(worker, "worker.proving.slots=3").assertOneLineError("worker.proving.slots", "must be at most worker.concurrency (2)");
        PpfarmCliTest.ppfarm("worker", dir.resolve("missing.properties")).assertOneLineError("missing.properties", "does not exist");
        PpfarmCliTest.ppfarm("up", "--port", 70000).assertOneLineError("ppfarm up", "--port", "70000");
    }

    private static PpfarmCliTest.Run run(List<String> base, String... more) {
        List<Object> args = new ArrayList<>(base);
        args.addAll(List.of(more));
        return PpfarmCliTest.ppfarm(args.toArray());
    }

    /** {@code ppfarm kafka} in its own JVM, as an operator runs it; returns once it printed its ready line. */
    private static Process startKafka(Path data, int port) throws Exception {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process p = new ProcessBuilder(java, "-Xmx512m", "-cp", cp, Ppfarm.class.getName(), "kafka",
                "--data-dir", data.toString(), "--port", Integer.toString(port)).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> ready = new CompletableFuture<>();
        StringBuilder seen = new StringBuilder();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.contains("ready")) ready.complete(line);
                    else if (!ready.isDone()) seen.append(line).append('\n');
                }
            } catch (Exception ignored) { /* process ended */ }
            ready.completeExceptionally(new AssertionError("ppfarm kafka exited before it was ready:\n" + seen));
        });
        try {
            assertEquals("kafka ready: bootstrap 127.0.0.1:" + port, ready.get(120, TimeUnit.SECONDS));
        } catch (Exception | AssertionError e) {
            p.destroyForcibly();
            throw e;
        }
        return p;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static List<String> readAll(String bootstrap, String topic, int expected) {
        try (var c = new KafkaConsumer<>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "ops", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of(topic));
            List<String> out = new ArrayList<>();
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < expected && System.nanoTime() < end)
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) out.add(r.key() + "=" + r.value());
            return out;
        }
    }
}
