package org.ppfarm.embedded;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ppfarm.broker.EmbeddedKafka;
import org.ppfarm.broker.TestBroker;
import org.ppfarm.coordinator.Coordinator;
import org.ppfarm.coordinator.kafka.FarmFixture;
import org.ppfarm.farm.config.FarmConfigs;
import org.ppfarm.farm.artifacts.ArtifactDownloads;
import org.ppfarm.farm.cluster.NodeTls;
import org.ppfarm.farm.config.ClusterTls;
import org.ppfarm.farm.config.KafkaSecurity;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.testkit.Artifacts;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The farm's private network over TLS, certificates from a throwaway CA. Kafka: a real broker with no plaintext client
 * listener (EmbeddedKafka secured: SASL_SSL with a SCRAM-SHA-512 user made by Kafka's formatter, and SSL requiring
 * client certificates). A farm proves with its coordinator on SASL_SSL, its worker on SSL, both on a mutual-TLS Pekko
 * cluster (cluster.tls.*) and the worker fetching the circuit from the Artifacts port over mutual TLS, which a client
 * without the farm's certificate cannot reach. A wrong password and an untrusted broker certificate each stop a
 * coordinator at start with one line saying so.
 */
class SecureTransportTest {
    static final String USER = "farm";
    static final String PASSWORD = "s3cret \"quoted\" \\ password";
    static Path dir;
    static Path caFile;
    static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("ppfarm-kafka-tls-");
        ThrowawayCa ca = ThrowawayCa.create("secure kafka test CA");
        caFile = ca.writeCertificate(dir.resolve("ca.pem"));
        ca.issue("broker").write(dir.resolve("broker.pem"), dir.resolve("broker.key"));
        ca.issue("worker").write(dir.resolve("worker.pem"), dir.resolve("worker.key"));
        ca.issue("coordinator").write(dir.resolve("coordinator.pem"), dir.resolve("coordinator.key"));
        ThrowawayCa.create("intruder CA").issue("intruder").write(dir.resolve("intruder.pem"), dir.resolve("intruder.key"));
        // Kafka's PEM key store: the private key and the certificate chain in one file
        Files.writeString(dir.resolve("worker-keystore.pem"), Files.readString(dir.resolve("worker.key")) + Files.readString(dir.resolve("worker.pem")));
        broker = TestBroker.startSecured(new EmbeddedKafka.Secured(dir.resolve("broker.pem"), dir.resolve("broker.key"), caFile, USER, PASSWORD));
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) broker.close();
        if (dir != null) EmbeddedKafka.deleteRecursively(dir);
    }

    static Map<String, Object> scram(String password, Path trust) {
        Map<String, Object> p = new HashMap<>();
        p.put(KafkaSecurity.PROTOCOL, KafkaSecurity.SASL_SSL);
        p.put(KafkaSecurity.TRUSTSTORE_FILE, trust.toString());
        p.put(KafkaSecurity.SASL_USERNAME, USER);
        p.put(KafkaSecurity.SASL_PASSWORD, password);
        return p;
    }

    /** cluster.tls.* with {@code name}.pem and .key and the farm's CA. */
    static Map<String, Object> clusterTls(String name) {
        return Map.of(ClusterTls.CERT_FILE, dir.resolve(name + ".pem").toString(), ClusterTls.KEY_FILE, dir.resolve(name + ".key").toString(),
                ClusterTls.CA_FILE, caFile.toString());
    }

    @Test
    void aFarmProvesWithKafkaTheClusterAndTheArtifactsPortOnTls() throws Exception {
        Map<String, Object> coordinator = new HashMap<>(scram(PASSWORD, caFile));
        coordinator.putAll(clusterTls("coordinator"));
        Map<String, Object> worker = new HashMap<>(Map.of(FarmConfigs.KAFKA_BOOTSTRAP_SERVERS, broker.sslBootstrapServers(),
                KafkaSecurity.PROTOCOL, KafkaSecurity.SSL,
                KafkaSecurity.TRUSTSTORE_FILE, caFile.toString(),
                KafkaSecurity.KEYSTORE_FILE, dir.resolve("worker-keystore.pem").toString()));
        worker.putAll(clusterTls("worker"));
        // the worker's node joins the coordinator's TLS cluster before this returns
        try (OneWorkerFarm live = OneWorkerFarm.on(broker, coordinator, worker)) {
            Job job = live.client.blocking().withDeadlineAfter(120, TimeUnit.SECONDS)
                    .prove(FarmEndToEndTest.commitment(FarmEndToEndTest.commitmentInput(0)));
            FarmEndToEndTest.assertVerifiesWithSnarkjs(job, Artifacts.commitmentVkey());
            // the Artifacts port answers a node of the farm's CA, and no one else
            List<String> port = List.of("127.0.0.1:" + live.coordinator.artifactsPort());
            String unknown = "00".repeat(32);
            Path target = dir.resolve("artifact");
            try (ArtifactDownloads farmNode = new ArtifactDownloads(NodeTls.pem(dir.resolve("worker.pem"), dir.resolve("worker.key"), caFile));
                 ArtifactDownloads plaintext = new ArtifactDownloads();
                 ArtifactDownloads intruder = new ArtifactDownloads(NodeTls.pem(dir.resolve("intruder.pem"), dir.resolve("intruder.key"), caFile))) {
                assertTrue(assertThrows(ArtifactDownloads.DownloadException.class, () -> farmNode.download(unknown, port, target)).unknownEverywhere());
                for (ArtifactDownloads refused : List.of(plaintext, intruder)) {
                    // the handshake fails before any answer: unreachable, or the connection closed (UNAVAILABLE)
                    var e = assertThrows(ArtifactDownloads.DownloadException.class, () -> refused.download(unknown, port, target));
                    assertFalse(e.unknownEverywhere(), e.getMessage());
                    assertTrue(e.getMessage().contains("is unreachable") || e.getMessage().contains("UNAVAILABLE"), e.getMessage());
                }
            }
        }
    }

    @Test
    void aWrongPasswordStopsTheCoordinatorWithOneLine() throws Exception {
        String error = refusedAtStart(scram("not the password", caFile));
        assertTrue(error.contains("invalid credentials with SASL mechanism SCRAM-SHA-512"), error);
        assertFalse(error.contains("not the password"), error);
    }

    @Test
    void anUntrustedBrokerCertificateStopsTheCoordinatorWithOneLine() throws Exception {
        Path otherCa = ThrowawayCa.create("another CA").writeCertificate(dir.resolve("other-ca.pem"));
        String error = refusedAtStart(scram(PASSWORD, otherCa));
        assertTrue(error.contains("SSL handshake failed"), error);
    }

    private static String refusedAtStart(Map<String, Object> overrides) throws Exception {
        try (FarmFixture farm = new FarmFixture(broker)) {
            Exception e = assertThrows(Exception.class, () -> {
                try (Coordinator c = farm.startCoordinator(overrides)) {
                    return;
                }
            });
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
            return e.getMessage();
        }
    }
}
