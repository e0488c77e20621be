package org.ppfarm.embedded;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ppfarm.broker.EmbeddedKafka;
import org.ppfarm.broker.TestBroker;
import org.ppfarm.coordinator.Coordinator;
import org.ppfarm.coordinator.kafka.FarmFixture;
import org.ppfarm.farm.config.FarmConfigs;
import org.ppfarm.farm.config.KafkaSecurity;
import org.ppfarm.farm.kafka.FarmTopics;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The farm's Kafka clients over TLS against a real broker with no plaintext client listener (EmbeddedKafka secured:
 * SASL_SSL with a SCRAM-SHA-512 user made by Kafka's formatter, and SSL requiring client certificates), certificates
 * from a throwaway CA: topics made, a record produced and consumed through the farm's own client properties on each
 * listener; a wrong password and an untrusted broker certificate each stop a coordinator at start with one line saying
 * so. (A whole farm over SASL_SSL, with the cluster and the artifacts port on TLS: SecureEmbeddedFarmTest.)
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

    static AbstractConfig config(Map<String, Object> security, String bootstrap) {
        Map<String, Object> p = new HashMap<>(security);
        p.put(FarmConfigs.KAFKA_BOOTSTRAP_SERVERS, bootstrap);
        ConfigDef def = FarmConfigs.kafka(new ConfigDef());
        AbstractConfig c = new AbstractConfig(def, FarmConfigs.requireKnownKeys(def, p));
        FarmConfigs.validateKafka(c);
        return c;
    }

    @Test
    void theFarmsClientsWorkOnSaslSslAndOnSslWithAClientCertificate() throws Exception {
        Map<String, Object> ssl = Map.of(KafkaSecurity.PROTOCOL, KafkaSecurity.SSL, KafkaSecurity.TRUSTSTORE_FILE, caFile.toString(),
                KafkaSecurity.KEYSTORE_FILE, dir.resolve("worker-keystore.pem").toString());
        FarmTopics topics = new FarmTopics("k" + UUID.randomUUID().toString().substring(0, 8));
        int n = 0;
        for (AbstractConfig c : List.of(config(scram(PASSWORD, caFile), broker.bootstrapServers()), config(ssl, broker.sslBootstrapServers()))) {
            Map<String, Object> props = FarmConfigs.clientProps(c);
            try (Admin admin = Admin.create(props)) {
                topics.ensure(admin, 1, (short) 1);
            }
            String value = c.getString(KafkaSecurity.PROTOCOL) + " " + n++;
            try (var producer = new KafkaProducer<>(FarmConfigs.producerProps(props, "secure-test"), new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>(topics.events(), value)).get();
            }
            Map<String, Object> consumer = new HashMap<>(props);
            consumer.put(ConsumerConfig.GROUP_ID_CONFIG, "secure-test-" + n);
            consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            try (var k = new KafkaConsumer<>(consumer, new StringDeserializer(), new StringDeserializer())) {
                k.subscribe(List.of(topics.events()));
                List<String> seen = new ArrayList<>();
                for (long end = System.nanoTime() + Duration.ofSeconds(30).toNanos(); !seen.contains(value) && System.nanoTime() < end; )
                    k.poll(Duration.ofMillis(200)).forEach(r -> seen.add(r.value()));
                assertTrue(seen.contains(value), () -> value + " not consumed; seen " + seen);
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
