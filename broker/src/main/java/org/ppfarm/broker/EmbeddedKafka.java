package org.ppfarm.broker;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A real single-node Apache Kafka broker in this JVM: KRaft mode, one process acting as broker and controller, on
 * loopback ports chosen at start or on a given address. It is the broker of {@code ppfarm up}, of {@code ppfarm kafka}
 * (a broker as its own process, for a farm of separate processes) and of the tests when no Docker engine is
 * available — the genuine Kafka server code from the Apache Kafka Maven artifact, not a stand-in.
 *
 * <p>Data lives in the given directory (formatted on first start, reused after) or in a temporary directory that
 * {@link #close()} deletes. Not thread-safe: start and close from one thread.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final String LISTENER = "PLAINTEXT";
    private static final String CONTROLLER = "CONTROLLER";
    private static final String LOOPBACK = "127.0.0.1";

    private static final String SASL_SSL = "SASL_SSL";
    private static final String SSL = "SSL";
    private static final String SCRAM = "SCRAM-SHA-512";

    private final Path dataDir;
    private final boolean deleteOnClose;
    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final String sslBootstrapServers; // null unless secured

    private EmbeddedKafka(Path dataDir, boolean deleteOnClose, KafkaRaftServer server, String bootstrapServers, String sslBootstrapServers) {
        this.dataDir = dataDir;
        this.deleteOnClose = deleteOnClose;
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.sslBootstrapServers = sslBootstrapServers;
    }

    /**
     * A secured broker's TLS and its one SCRAM user. The broker serves clients on two listeners, neither plaintext:
     * {@code SASL_SSL} with SCRAM-SHA-512 ({@link #bootstrapServers()}) and {@code SSL} requiring a client
     * certificate that chains to {@code caFile} ({@link #sslBootstrapServers()}; also the broker's own, inter-broker,
     * listener: it presents its certificate as its client certificate). The user is created when the data directory
     * is formatted, by Kafka's own formatter (what {@code kafka-storage format --add-scram} does), so a restart on the
     * same directory keeps the first user.
     *
     * @param certFile the broker's PEM certificate (naming the host clients dial), good for server and client use
     * @param keyFile  its unencrypted PKCS#8 PEM private key
     * @param caFile   PEM CA certificates that client certificates (and the broker's own) chain to
     */
    public record Secured(Path certFile, Path keyFile, Path caFile, String username, String password) {
        public Secured {
            if (username.isEmpty() || username.contains(",") || username.contains("]") || password.contains(",") || password.contains("]"))
                throw new IllegalArgumentException("embedded Kafka: a SCRAM user and password need no ',' or ']' (kafka-storage's --add-scram syntax)");
        }
    }

    /** Starts a broker with its data in a fresh temporary directory, deleted on close. */
    public static EmbeddedKafka start() {
        try {
            return start(Files.createTempDirectory("ppfarm-kafka-"), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the embedded Kafka broker", e);
        }
    }

    /**
     * Starts a broker keeping its data in {@code dataDir} (created and formatted if empty, so a restart with the same
     * directory finds its topics again — on new ports).
     */
    public static EmbeddedKafka start(Path dataDir, boolean deleteOnClose) {
        return start(dataDir, deleteOnClose, LOOPBACK, 0, LOOPBACK);
    }

    /**
     * As {@link #start(Path, boolean)}, with the clients' listener on loopback {@code port} (0: a free one), so a broker
     * restarted with the same directory and port is the same broker to its clients.
     */
    public static EmbeddedKafka start(Path dataDir, boolean deleteOnClose, int port) {
        return start(dataDir, deleteOnClose, LOOPBACK, port, LOOPBACK);
    }

    /**
     * Starts a broker keeping its data in {@code dataDir} (created and formatted if empty, reused after), serving
     * clients on {@code host:port} (port 0: a free one) and telling them to connect to {@code advertisedHost:port}.
     * The controller, which only this node talks to, listens on a free loopback port. What {@code ppfarm kafka} runs:
     * restarted on the same directory and port, clients find the broker and its records where they were.
     *
     * @throws UncheckedIOException when {@code host:port} cannot be bound (in use, or not this machine's address), or
     *         {@code dataDir} cannot be used
     */
    public static EmbeddedKafka start(Path dataDir, boolean deleteOnClose, String host, int port, String advertisedHost) {
        return start(dataDir, deleteOnClose, host, port, advertisedHost, null);
    }

    /** A secured broker on loopback (see {@link Secured}), its data in {@code dataDir}. */
    public static EmbeddedKafka start(Path dataDir, boolean deleteOnClose, Secured secured) {
        return start(dataDir, deleteOnClose, LOOPBACK, 0, LOOPBACK, secured);
    }

    private static EmbeddedKafka start(Path dataDir, boolean deleteOnClose, String host, int port, String advertisedHost, Secured secured) {
        if (port != 0) requireFree(host, port);
        BindException last = null;
        for (int attempt = 0; attempt < 5; attempt++) { // the free ports we pick may be taken before the broker binds
            int brokerPort = port != 0 ? port : freePort(), controllerPort = freePort(), sslPort = secured == null ? 0 : freePort();
            try {
                Files.createDirectories(dataDir);
                Properties props = properties(dataDir, host, brokerPort, advertisedHost, controllerPort);
                if (secured != null) secure(props, secured, host, brokerPort, sslPort, advertisedHost);
                KafkaConfig config = KafkaConfig.fromProps(props, false);
                format(config, dataDir, secured);
                KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
                try {
                    server.startup();
                } catch (RuntimeException e) {
                    server.shutdown();
                    server.awaitShutdown();
                    if (rootCause(e) instanceof BindException be) { last = be; continue; }
                    throw e;
                }
                return new EmbeddedKafka(dataDir, deleteOnClose, server, advertisedHost + ":" + brokerPort,
                        secured == null ? null : advertisedHost + ":" + sslPort);
            } catch (IOException e) {
                throw new UncheckedIOException("embedded Kafka: cannot use data directory " + dataDir, e);
            } catch (Exception e) {
                if (e instanceof RuntimeException re) throw re;
                throw new IllegalStateException("embedded Kafka: cannot format " + dataDir + ": " + e.getMessage(), e);
            }
        }
        throw new IllegalStateException("embedded Kafka: no free loopback port after 5 attempts", last);
    }

    /** {@code host:port} for {@code bootstrap.servers}; a secured broker's SASL_SSL listener. */
    public String bootstrapServers() { return bootstrapServers; }

    /** A secured broker's SSL (client certificate) listener, {@code host:port}; null unless secured. */
    public String sslBootstrapServers() { return sslBootstrapServers; }

    public Path dataDir() { return dataDir; }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        if (deleteOnClose) deleteRecursively(dataDir);
    }

    private static Properties properties(Path dataDir, String host, int port, String advertisedHost, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@" + LOOPBACK + ":" + controllerPort);
        p.put("listeners", LISTENER + "://" + host + ":" + port + "," + CONTROLLER + "://" + LOOPBACK + ":" + controllerPort);
        p.put("advertised.listeners", LISTENER + "://" + advertisedHost + ":" + port);
        p.put("controller.listener.names", CONTROLLER);
        p.put("inter.broker.listener.name", LISTENER);
        p.put("listener.security.protocol.map", LISTENER + ":PLAINTEXT," + CONTROLLER + ":PLAINTEXT");
        p.put("log.dirs", dataDir.resolve("log").toString());
        p.put("metadata.log.dir", dataDir.resolve("meta").toString());
        // one node: every internal topic has one replica
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("min.insync.replicas", "1");
        p.put("num.partitions", "4");
        // a lone consumer group member need not wait for others; a crashed worker is noticed after its own
        // session.timeout.ms, which may be as short as 1 s
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("group.min.session.timeout.ms", "1000");
        p.put("log.cleaner.backoff.ms", "1000");
        p.put("auto.create.topics.enable", "false");
        // one node on a small machine: one network thread and two request handlers switch less than Kafka's server
        // defaults (3 and 8) and handled more jobs per CPU second in FarmBench dispatch
        p.put("num.network.threads", "1");
        p.put("num.io.threads", "2");
        return p;
    }

    /**
     * Replaces the plaintext client listener by SASL_SSL (SCRAM-SHA-512) on {@code port} and SSL with required client
     * certificates on {@code sslPort}, the latter also inter-broker. The controller listener stays plaintext on
     * loopback: it serves only this node's own controller requests.
     */
    private static void secure(Properties p, Secured s, String host, int port, int sslPort, String advertisedHost) throws IOException {
        String controller = p.getProperty("listeners").substring(p.getProperty("listeners").indexOf(CONTROLLER + "://"));
        p.put("listeners", SASL_SSL + "://" + host + ":" + port + "," + SSL + "://" + host + ":" + sslPort + "," + controller);
        p.put("advertised.listeners", SASL_SSL + "://" + advertisedHost + ":" + port + "," + SSL + "://" + advertisedHost + ":" + sslPort);
        p.put("listener.security.protocol.map", SASL_SSL + ":" + SASL_SSL + "," + SSL + ":" + SSL + "," + CONTROLLER + ":PLAINTEXT");
        p.put("inter.broker.listener.name", SSL);
        p.put("sasl.enabled.mechanisms", SCRAM);
        p.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        p.put("listener.name.ssl.ssl.client.auth", "required");
        // PEM given inline: Kafka reads key and chain from one file otherwise, and our certificate and key are two
        p.put("ssl.keystore.type", "PEM");
        p.put("ssl.keystore.certificate.chain", Files.readString(s.certFile()));
        p.put("ssl.keystore.key", Files.readString(s.keyFile()));
        p.put("ssl.truststore.type", "PEM");
        p.put("ssl.truststore.certificates", Files.readString(s.caFile()));
    }

    private static void format(KafkaConfig config, Path dataDir, Secured secured) throws Exception {
        if (Files.exists(dataDir.resolve("meta").resolve("meta.properties"))) return;
        Formatter f = new Formatter();
        if (secured != null) f.setScramArguments(List.of(SCRAM + "=[name=" + secured.username() + ",password=" + secured.password() + "]"));
        f
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(1)
                .setClusterId(Uuid.randomUuid().toString())
                .setControllerListenerName(CONTROLLER)
                .setMetadataLogDirectory(config.metadataLogDir())
                .setDirectories(List.of(dataDir.resolve("log").toString(), config.metadataLogDir()))
                .setIgnoreFormatted(true)
                .run();
    }

    /** Fails at once, naming the address, when a fixed port cannot be bound, rather than after a broker's start-up. */
    private static void requireFree(String host, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true); // as the broker binds it: a port its previous run left in TIME_WAIT is free
            s.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new UncheckedIOException("embedded Kafka: cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free loopback port", e);
        }
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t;
    }

    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
