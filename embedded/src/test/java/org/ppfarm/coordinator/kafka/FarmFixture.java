package org.ppfarm.coordinator.kafka;

import org.ppfarm.broker.EmbeddedKafka;
import org.ppfarm.broker.TestBroker;
import org.ppfarm.coordinator.Coordinator;
import org.ppfarm.client.FarmClient;
import org.ppfarm.coordinator.config.CoordinatorConfig;
import org.ppfarm.coordinator.tenants.TenantAdmin;
import org.ppfarm.embedded.ThrowawayCa;
import org.ppfarm.farm.config.FarmConfigs;
import org.ppfarm.farm.kafka.FarmTopics;
import org.ppfarm.farm.seal.InputSeal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A farm for tests: a real broker (see {@link TestBroker}), worker keys, and coordinators on loopback Netty servers
 * (so message-size limits are enforced as in production). Each fixture uses its own topic prefix, so tests sharing a
 * broker do not see each other's jobs.
 */
public final class FarmFixture implements AutoCloseable {
    public final TestBroker broker;
    public final InputSeal.KeyPair keys = InputSeal.KeyPair.generate();
    public final String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
    public final Path artifactsDir;

    public FarmFixture(TestBroker broker) throws Exception {
        this.broker = broker;
        this.artifactsDir = Files.createTempDirectory("ppfarm-artifacts-");
    }

    public Map<String, Object> coordinatorProps() {
        Map<String, Object> p = new HashMap<>();
        p.put(FarmConfigs.KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers());
        p.put(FarmConfigs.KAFKA_TOPIC_PREFIX, prefix);
        p.put(FarmConfigs.KAFKA_TOPIC_PARTITIONS, "4");
        p.put(CoordinatorConfig.ARTIFACTS_DIR, artifactsDir.toString());
        p.put(CoordinatorConfig.SEAL_PUBLIC_KEY, keys.publicKeyBase64());
        p.put(CoordinatorConfig.GRPC_PORT, "0");
        p.put(CoordinatorConfig.ARTIFACTS_PORT, "0");
        return p;
    }

    public Coordinator startCoordinator(Map<String, Object> overrides) throws Exception {
        Map<String, Object> p = coordinatorProps();
        p.putAll(overrides);
        CoordinatorConfig c = new CoordinatorConfig(p);
        return Coordinator.start(c, org.ppfarm.coordinator.inputs.PoolProtocolInputs.INSTANCE); // 127.0.0.1:0, TLS if grpc.tls.* set
    }

    /**
     * The security tests' secured coordinator, before it starts: a throwaway CA named {@code caName} written to
     * {@code dir}/ca.pem, the coordinator's certificate from it (server.pem, server.key), and the admin of this
     * fixture's tenants topic. A test issues its own certificates and adds its tenants first (a coordinator replays the
     * tenants before it serves), then {@link Secured#start}s the coordinator.
     */
    public Secured secured(String caName) throws Exception {
        Path dir = Files.createTempDirectory("ppfarm-tls-");
        ThrowawayCa ca = ThrowawayCa.create(caName);
        Path caFile = ca.writeCertificate(dir.resolve("ca.pem"));
        ca.issue("coordinator").write(dir.resolve("server.pem"), dir.resolve("server.key"));
        return new Secured(dir, ca, caFile, new TenantAdmin(Map.of("bootstrap.servers", broker.bootstrapServers()), new FarmTopics(prefix), 4, (short) 1));
    }

    /** See {@link #secured}; close after the coordinator: closes the tenants' admin and deletes {@code dir}. */
    public final class Secured implements AutoCloseable {
        public final Path dir;
        public final ThrowawayCa ca;
        public final Path caFile;
        public final TenantAdmin tenants;

        private Secured(Path dir, ThrowawayCa ca, Path caFile, TenantAdmin tenants) {
            this.dir = dir;
            this.ca = ca;
            this.caFile = caFile;
            this.tenants = tenants;
        }

        /** A coordinator serving TLS with server.pem and requiring API keys ({@code auth.required}), then {@code overrides}. */
        public Coordinator start(Map<String, Object> overrides) throws Exception {
            Map<String, Object> p = new HashMap<>(Map.of(
                    CoordinatorConfig.GRPC_TLS_CERT_FILE, dir.resolve("server.pem").toString(),
                    CoordinatorConfig.GRPC_TLS_KEY_FILE, dir.resolve("server.key").toString(),
                    CoordinatorConfig.AUTH_REQUIRED, "true"));
            p.putAll(overrides);
            return startCoordinator(p);
        }

        /** The settings of client certificates required (mTLS), chaining to this CA. */
        public Map<String, Object> clientCertificatesRequired() {
            return Map.of(CoordinatorConfig.GRPC_TLS_CLIENT_CA_FILE, caFile.toString(),
                    CoordinatorConfig.GRPC_TLS_CLIENT_AUTH, CoordinatorConfig.CLIENT_AUTH_REQUIRE);
        }

        @Override
        public void close() throws InterruptedException {
            tenants.close();
            EmbeddedKafka.deleteRecursively(dir);
        }
    }

    public static FarmClient client(Coordinator c) {
        return FarmClient.connect("127.0.0.1:" + c.port());
    }

    @Override
    public void close() {
        EmbeddedKafka.deleteRecursively(artifactsDir);
    }
}
