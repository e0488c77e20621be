package org.ppfarm.coordinator.kafka;

import org.ppfarm.broker.EmbeddedKafka;
import org.ppfarm.broker.TestBroker;
import org.ppfarm.coordinator.Coordinator;
import org.ppfarm.client.FarmClient;
import org.ppfarm.coordinator.config.CoordinatorConfig;
import org.ppfarm.farm.config.FarmConfigs;
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

    public static FarmClient client(Coordinator c) {
        return FarmClient.connect("127.0.0.1:" + c.port());
    }

    @Override
    public void close() {
        EmbeddedKafka.deleteRecursively(artifactsDir);
    }
}
