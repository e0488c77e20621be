package org.ppfarm.embedded;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ppfarm.broker.EmbeddedKafka;
import org.ppfarm.broker.TestBroker;
import org.ppfarm.coordinator.Coordinator;
import org.ppfarm.coordinator.kafka.FarmFixture;
import org.ppfarm.farm.config.FarmConfigs;
import org.ppfarm.farm.config.KafkaSecurity;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.testkit.Artifacts;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The farm's Kafka clients over TLS against a real broker with no plaintext client listener (EmbeddedKafka secured:
 * SASL_SSL with a SCRAM-SHA-512 user made by Kafka's formatter, and SSL requiring client certificates), certificates
 * from a throwaway CA. A farm proves with its coordinator on SASL_SSL and its worker on SSL; a wrong password and an
 * untrusted broker certificate each stop a coordinator at start with one line saying so.
 */
class SecureKafkaTest {
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

    @Test
    void aFarmProvesWithItsCoordinatorOnSaslSslAndItsWorkerOnSslWithAClientCertificate() throws Exception {
        Map<String, Object> worker = Map.of(FarmConfigs.KAFKA_BOOTSTRAP_SERVERS, broker.sslBootstrapServers(),
                KafkaSecurity.PROTOCOL, KafkaSecurity.SSL,
                KafkaSecurity.TRUSTSTORE_FILE, caFile.toString(),
                KafkaSecurity.KEYSTORE_FILE, dir.resolve("worker-keystore.pem").toString());
        try (OneWorkerFarm live = OneWorkerFarm.on(broker, scram(PASSWORD, caFile), worker)) {
            Job job = live.client.blocking().withDeadlineAfter(120, TimeUnit.SECONDS)
                    .prove(FarmEndToEndTest.commitment(FarmEndToEndTest.commitmentInput(0)));
            FarmEndToEndTest.assertVerifiesWithSnarkjs(job, Artifacts.commitmentVkey());
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
