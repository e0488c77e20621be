package org.ppfarm.broker;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real Kafka broker for tests: Testcontainers' Kafka (apache/kafka image) when a Docker engine answers, otherwise
 * the in-process KRaft broker ({@link EmbeddedKafka}). Never a mock. {@link #startRestartable()} gives an in-process
 * broker that a test can {@link #stop()} and {@link #restart()} on the same port and data, as an outage.
 */
public final class TestBroker implements AutoCloseable {
    private AutoCloseable handle; // null while stopped
    private final String bootstrapServers;
    private final String kind;
    private final Path restartDir; // null: not restartable

    private TestBroker(AutoCloseable handle, String bootstrapServers, String kind, Path restartDir) {
        this.handle = handle;
        this.bootstrapServers = bootstrapServers;
        this.kind = kind;
        this.restartDir = restartDir;
    }

    public static TestBroker start() {
        if (dockerAvailable()) {
            KafkaContainer c = new KafkaContainer("apache/kafka:4.1.0");
            c.start();
            return new TestBroker(c, c.getBootstrapServers(), "testcontainers", null);
        }
        EmbeddedKafka k = EmbeddedKafka.start();
        return new TestBroker(k, k.bootstrapServers(), "embedded", null);
    }

    /**
     * An in-process broker with TLS and a SCRAM user (see {@link EmbeddedKafka.Secured}): {@link #bootstrapServers()}
     * is its SASL_SSL listener, {@link #sslBootstrapServers()} its client-certificate one.
     */
    public static TestBroker startSecured(EmbeddedKafka.Secured secured) {
        try {
            EmbeddedKafka k = EmbeddedKafka.start(Files.createTempDirectory("ppfarm-kafka-"), true, secured);
            return new TestBroker(k, k.bootstrapServers(), "embedded", null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the test broker", e);
        }
    }

    /** An in-process broker whose data outlives {@link #stop()}, so {@link #restart()} brings it back on its port. */
    public static TestBroker startRestartable() {
        try {
            Path dir = Files.createTempDirectory("ppfarm-kafka-");
            EmbeddedKafka k = EmbeddedKafka.start(dir, false);
            return new TestBroker(k, k.bootstrapServers(), "embedded", dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the test broker", e);
        }
    }

    /** Shuts the broker down for real (its clients lose it), keeping its data; only a restartable broker. */
    public void stop() throws Exception {
        if (restartDir == null) throw new IllegalStateException("not a restartable broker (see startRestartable)");
        handle.close();
        handle = null;
    }

    /** Starts the stopped broker again with its data on its former port. */
    public void restart() {
        if (restartDir == null || handle != null) throw new IllegalStateException("not a stopped restartable broker");
        handle = EmbeddedKafka.start(restartDir, false, Integer.parseInt(bootstrapServers.substring(bootstrapServers.lastIndexOf(':') + 1)));
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

    /** A secured broker's SSL (client certificate) listener; null for any other broker. */
    public String sslBootstrapServers() { return handle instanceof EmbeddedKafka k ? k.sslBootstrapServers() : null; }

    /** "testcontainers" or "embedded". */
    public String kind() { return kind; }

    @Override
    public void close() throws Exception {
        if (handle != null) handle.close();
        if (restartDir != null) EmbeddedKafka.deleteRecursively(restartDir);
    }
}
