package org.ppfarm.broker;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * A real Kafka broker for tests: Testcontainers' Kafka (apache/kafka image) when a Docker engine answers, otherwise
 * the in-process KRaft broker ({@link EmbeddedKafka}). Never a mock.
 */
public final class TestBroker implements AutoCloseable {
    private final AutoCloseable handle;
    private final String bootstrapServers;
    private final String kind;

    private TestBroker(AutoCloseable handle, String bootstrapServers, String kind) {
        this.handle = handle;
        this.bootstrapServers = bootstrapServers;
        this.kind = kind;
    }

    public static TestBroker start() {
        if (dockerAvailable()) {
            KafkaContainer c = new KafkaContainer("apache/kafka:4.1.0");
            c.start();
            return new TestBroker(c, c.getBootstrapServers(), "testcontainers");
        }
        EmbeddedKafka k = EmbeddedKafka.start();
        return new TestBroker(k, k.bootstrapServers(), "embedded");
    }

    private static boolean dockerAvailable() {
        if (Boolean.getBoolean("ppfarm.test.embeddedKafka")) return false;
        // without a socket or DOCKER_HOST there is no engine to ask; skip Testcontainers' slow probing
        String host = System.getenv("DOCKER_HOST");
        if ((host == null || host.isBlank()) && !java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/docker.sock"))) return false;
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable t) {
            return false;
        }
    }

    public String bootstrapServers() { return bootstrapServers; }

    /** "testcontainers" or "embedded". */
    public String kind() { return kind; }

    @Override
    public void close() throws Exception { handle.close(); }
}
