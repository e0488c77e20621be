package org.ppfarm.embedded;


import org.ppfarm.coordinator.Coordinator;
import org.ppfarm.worker.Worker;
import org.ppfarm.worker.WorkerConfig;
import org.ppfarm.worker.pipeline.EnginePipeline;
import org.ppfarm.worker.pipeline.ProvingPipeline;
import org.ppfarm.coordinator.config.CoordinatorConfig;
import org.ppfarm.farm.config.ClusterTls;
import org.ppfarm.farm.config.FarmConfigs;
import org.ppfarm.farm.config.KafkaSecurity;
import org.ppfarm.coordinator.inputs.ProtocolInputs;
import org.ppfarm.coordinator.tenants.TenantAdmin;
import org.ppfarm.coordinator.tenants.TenantDirectory;
import org.ppfarm.proto.v1.TenantQuotas;
import org.ppfarm.broker.EmbeddedKafka;
import org.ppfarm.farm.seal.InputSeal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code ppfarm up}: the whole farm in one process on embedded defaults — a real single-node KRaft Kafka broker, a
 * coordinator (gRPC on 127.0.0.1:port) and a CPU worker — with the production 0xbow circuits registered. The workers'
 * sealing key pair is generated in memory for the process's lifetime (job inputs on the embedded broker's disk are
 * sealed to it and unreadable once the process ends). Prints {@code ppfarm ready on <host:port>} when it serves.
 * Both nodes serve Prometheus metrics on free loopback ports ({@link #metricsUrls()}).
 */
public final class EmbeddedFarm implements AutoCloseable {
    /**
     * Options of {@code ppfarm up}. {@code dataDir} null: a temporary directory, deleted on close. {@code pipelines}
     * null: the production engine ({@link EnginePipeline}) with the worker's default settings; a demo or test passes
     * the engine without fixed-base tables, a benchmark its own fixture. {@code workerPrefetch} 0: the
     * worker fetches {@code max(8, workerConcurrency)} jobs ahead ({@code worker.prefetch}).
     */
    public record Options(int port, Path dataDir, Path artifactsDir, ProvingPipeline.Factory pipelines, int workerConcurrency,
                          ProtocolInputs protocolInputs, int workerPrefetch, Notices notices, Set<Layer> security) {
        public Options {
            security = security.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(security));
        }

        public Options(int port, Path dataDir, Path artifactsDir, ProvingPipeline.Factory pipelines, int workerConcurrency,
                       ProtocolInputs protocolInputs, int workerPrefetch, Notices notices) {
            this(port, dataDir, artifactsDir, pipelines, workerConcurrency, protocolInputs, workerPrefetch, notices, Set.of());
        }

        public Options(int port, Path dataDir, Path artifactsDir, ProvingPipeline.Factory pipelines, int workerConcurrency,
                       ProtocolInputs protocolInputs, int workerPrefetch) {
            this(port, dataDir, artifactsDir, pipelines, workerConcurrency, protocolInputs, workerPrefetch, Notices.LOCAL);
        }

        public Options(int port, Path dataDir, Path artifactsDir, ProvingPipeline.Factory pipelines, int workerConcurrency,
                       ProtocolInputs protocolInputs) {
            this(port, dataDir, artifactsDir, pipelines, workerConcurrency, protocolInputs, 0);
        }

        /**
         * These options with the API secured ({@code ppfarm up --secure}): TLS with a certificate from a throwaway CA
         * (its certificate written to {@link #caFile()}), API keys required, a first tenant (an admin) whose
         * key is {@link #apiKey()}, and only inputs sealed by the client taken ({@code inputs.plaintext.allowed=false};
         * clients pin {@link #sealKeyFingerprint()}); the broker on SASL_SSL (SCRAM) and the nodes' cluster and artifacts port on mutual
         * TLS, with certificates from the same CA ({@code kafka.properties} beside the CA's file holds the Kafka
         * settings {@code ppfarm tenants} needs, owner-only).
         */
        public Options secured() {
            return secured(EnumSet.allOf(Layer.class));
        }

        /**
         * These options with only {@code layers} of {@link #secured()}: what a benchmark uses to measure each layer's
         * cost on its own (FarmBench {@code --secure api,kafka,...}). A farm meant to be secure runs them all.
         */
        public Options secured(Set<Layer> layers) {
            return new Options(port, dataDir, artifactsDir, pipelines, workerConcurrency, protocolInputs, workerPrefetch, notices, layers);
        }

        public static Options defaults() {
            // two jobs at once, one proving (worker.proving.slots' default): the next witness is computed during a proof
            return new Options(50051, null, null, null, 2, org.ppfarm.coordinator.inputs.PoolProtocolInputs.INSTANCE);
        }
    }

    /** The layers of a secured farm ({@link Options#secured()}), each of which can be turned on alone. */
    public enum Layer {
        /** TLS on the gRPC API, with a certificate from the throwaway CA ({@link #caFile()}). */
        API_TLS,
        /** API keys required ({@code auth.required=true}); the first tenant's key is {@link #apiKey()}. */
        API_KEYS,
        /** Only inputs sealed by the client taken ({@code inputs.plaintext.allowed=false}). */
        SEALED_INPUTS,
        /** The broker on SASL_SSL (SCRAM) only, and the nodes' Kafka clients with it. */
        KAFKA,
        /** The Pekko cluster (Artery {@code tls-tcp}) and the artifacts port on mutual TLS. */
        CLUSTER
    }

    /**
     * How jobs reach the worker and results the coordinator besides Kafka (docs/farm.md, "Job offers" and "Result
     * notices").
     */
    public enum Notices {
        /** The worker is on the coordinator's cluster node: offers and notices are local messages (the default). */
        LOCAL,
        /** The worker runs a cluster node of its own that joins the coordinator's: they cross Artery (loopback TCP). */
        REMOTE,
        /** {@code jobs.offers=false} and {@code jobs.result.notices=false}: jobs and results travel through Kafka only. */
        OFF
    }

    private final EmbeddedKafka kafka;
    private final Coordinator coordinator;
    private final Worker worker;
    private final Path dataDir;
    private final boolean deleteData;
    private final Set<Layer> security;
    private final Path caFile;    // null unless a layer needs the CA
    private final String apiKey;  // null without API_KEYS
    private final String sealKeyFingerprint;

    /** The first tenant of a secured farm. */
    public static final String FIRST_TENANT = "tenant-1";

    /** The secured broker's SCRAM user, the farm's nodes' Kafka identity. */
    static final String KAFKA_USER = "ppfarm";

    private EmbeddedFarm(Options o) throws Exception {
        this.deleteData = o.dataDir() == null;
        this.dataDir = o.dataDir() != null ? Files.createDirectories(o.dataDir()) : Files.createTempDirectory("ppfarm-up-");
        Path circuits = ProductionCircuits.locate(o.artifactsDir());
        this.security = o.security();
        boolean withCa = security.contains(Layer.API_TLS) || security.contains(Layer.KAFKA) || security.contains(Layer.CLUSTER);
        // secured: the CA's key lives in this process only; clients need its certificate, the nodes their own pairs
        Path tls = withCa ? Files.createDirectories(dataDir.resolve("tls")) : null;
        ThrowawayCa ca = withCa ? ThrowawayCa.create("ppfarm up --secure") : null;
        this.caFile = withCa ? ca.writeCertificate(tls.resolve("ca.pem")) : null;
        Map<String, Object> nodes = new HashMap<>(); // Kafka and cluster TLS settings, the coordinator's and the worker's
        if (security.contains(Layer.KAFKA)) {
            ca.issue("kafka").write(tls.resolve("kafka.pem"), tls.resolve("kafka.key"));
            String password = kafkaPassword(tls);
            this.kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), false,
                    new EmbeddedKafka.Secured(tls.resolve("kafka.pem"), tls.resolve("kafka.key"), caFile, KAFKA_USER, password));
            nodes.put(KafkaSecurity.PROTOCOL, KafkaSecurity.SASL_SSL);
            nodes.put(KafkaSecurity.TRUSTSTORE_FILE, caFile.toString());
            nodes.put(KafkaSecurity.SASL_USERNAME, KAFKA_USER);
            nodes.put(KafkaSecurity.SASL_PASSWORD, password);
            writeOwnerOnly(tls.resolve("kafka.properties"), "# ppfarm tenants " + tls.resolve("kafka.properties") + " ...\n"
                    + FarmConfigs.KAFKA_BOOTSTRAP_SERVERS + "=" + kafka.bootstrapServers() + "\n"
                    + nodes.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue() + "\n").sorted().reduce("", String::concat));
        } else {
            this.kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), false);
        }
        if (security.contains(Layer.CLUSTER)) {
            ca.issue("node").write(tls.resolve("node.pem"), tls.resolve("node.key"));
            nodes.put(ClusterTls.CERT_FILE, tls.resolve("node.pem").toString());
            nodes.put(ClusterTls.KEY_FILE, tls.resolve("node.key").toString());
            nodes.put(ClusterTls.CA_FILE, caFile.toString());
        }
        InputSeal.KeyPair keys = InputSeal.KeyPair.generate();
        this.sealKeyFingerprint = InputSeal.fingerprint(keys.publicKey());
        Map<String, Object> c = new HashMap<>(nodes);
        c.put(FarmConfigs.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        c.put(CoordinatorConfig.ARTIFACTS_DIR, dataDir.resolve("registry").toString());
        c.put(CoordinatorConfig.SEAL_PUBLIC_KEY, keys.publicKeyBase64());
        c.put(CoordinatorConfig.GRPC_PORT, Integer.toString(o.port()));
        c.put(CoordinatorConfig.ARTIFACTS_PORT, "0");   // only this process's worker fetches from it
        c.put(CoordinatorConfig.COORDINATOR_ID, "coordinator-1");
        c.put(CoordinatorConfig.METRICS_PORT, "0");     // /metrics, /ready, /live on a free loopback port
        c.put(FarmConfigs.KAFKA_TOPIC_PARTITIONS, "4");
        c.put(CoordinatorConfig.JOBS_RESULT_NOTICES, Boolean.toString(o.notices() != Notices.OFF));
        c.put(CoordinatorConfig.JOBS_OFFERS, Boolean.toString(o.notices() != Notices.OFF));
        if (security.contains(Layer.API_TLS)) {
            ca.issue("coordinator-1").write(tls.resolve("coordinator.pem"), tls.resolve("coordinator.key"));
            c.put(CoordinatorConfig.GRPC_TLS_CERT_FILE, tls.resolve("coordinator.pem").toString());
            c.put(CoordinatorConfig.GRPC_TLS_KEY_FILE, tls.resolve("coordinator.key").toString());
        }
        if (security.contains(Layer.API_KEYS)) c.put(CoordinatorConfig.AUTH_REQUIRED, "true");
        if (security.contains(Layer.SEALED_INPUTS)) c.put(CoordinatorConfig.INPUTS_PLAINTEXT_ALLOWED, "false");
        CoordinatorConfig cc = new CoordinatorConfig(c);
        this.coordinator = Coordinator.start(cc, o.protocolInputs()); // 127.0.0.1 (grpc.host's default):port
        this.apiKey = security.contains(Layer.API_KEYS) ? firstTenant(cc) : null;
        ProductionCircuits.register(coordinator.registry(), circuits);
        Map<String, Object> w = new HashMap<>(nodes);
        w.put(FarmConfigs.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        w.put(WorkerConfig.WORKER_ID, "worker-1");
        w.put(WorkerConfig.COORDINATOR_ADDRESS, "127.0.0.1:" + coordinator.artifactsPort());
        w.put(WorkerConfig.CACHE_DIR, dataDir.resolve("worker-cache").toString());
        w.put(WorkerConfig.SEAL_KEY_PAIR, keys.encode());
        w.put(WorkerConfig.CONCURRENCY, Integer.toString(o.workerConcurrency()));
        w.put(WorkerConfig.METRICS_PORT, "0");
        w.put(WorkerConfig.PREFETCH, Integer.toString(o.workerPrefetch() > 0 ? o.workerPrefetch() : Math.max(8, o.workerConcurrency())));
        if (o.notices() == Notices.REMOTE) w.put(FarmConfigs.CLUSTER_SEED_NODES, coordinator.clusterAddress());
        // LOCAL: the worker is on the coordinator's cluster node, so offers and result notices are local messages
        WorkerConfig wc = new WorkerConfig(w);
        this.worker = new Worker(wc, o.pipelines() != null ? o.pipelines() : new EnginePipeline.Factory(wc.engineOptions()),
                o.notices() == Notices.LOCAL ? coordinator.actorSystem() : null).start();
    }

    public static EmbeddedFarm start(Options o) throws Exception { return new EmbeddedFarm(o); }

    /** Adds {@link #FIRST_TENANT} (an admin) and waits until the coordinator has read it; returns its key. */
    private String firstTenant(CoordinatorConfig cc) throws Exception {
        String key;
        try (TenantAdmin admin = new TenantAdmin(FarmConfigs.clientProps(cc), FarmConfigs.topics(cc),
                cc.getInt(FarmConfigs.KAFKA_TOPIC_PARTITIONS), cc.getShort(FarmConfigs.KAFKA_TOPIC_REPLICATION))) {
            key = admin.add(FIRST_TENANT, true, TenantQuotas.getDefaultInstance());
        }
        for (long end = System.nanoTime() + Duration.ofSeconds(30).toNanos(); ; Thread.sleep(20)) {
            try {
                coordinator.tenants().authenticate(key);
                return key;
            } catch (TenantDirectory.RefusedKeyException e) {
                if (System.nanoTime() > end) throw new IllegalStateException("the coordinator did not read tenant " + FIRST_TENANT + " within 30 s");
            }
        }
    }

    /**
     * The secured broker's SCRAM password: made at the first secured start, when the broker's data is formatted with
     * its user, and read at every later one (the user exists only with the password it was made with).
     */
    private static String kafkaPassword(Path tls) throws IOException {
        Path f = tls.resolve("kafka-password");
        if (Files.exists(f)) return Files.readString(f).strip();
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        writeOwnerOnly(f, password);
        return password;
    }

    private static void writeOwnerOnly(Path f, String content) throws IOException {
        Files.deleteIfExists(f);
        Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(f, content);
    }

    /** The layers of {@link Options#secured()} this farm runs: empty for a plaintext farm. */
    public Set<Layer> security() { return security; }

    /**
     * The PEM file of the CA whose certificate the API serves (clients' {@code --tls-ca}) and which signed the broker's
     * and the nodes' certificates; null unless the farm runs a layer on TLS.
     */
    public Path caFile() { return caFile; }

    /** The first tenant's API key; null unless API keys are required. */
    public String apiKey() { return apiKey; }

    /** SHA-256 (hex) of the workers' sealing public key: what clients pin to seal inputs ({@code --seal-key-fingerprint}). */
    public String sealKeyFingerprint() { return sealKeyFingerprint; }

    /** host:port of the gRPC API. */
    public String address() { return "127.0.0.1:" + coordinator.port(); }

    public Coordinator coordinator() { return coordinator; }

    /**
     * The Prometheus endpoints of the farm's nodes, coordinator first: {@code http://127.0.0.1:PORT/metrics}, each
     * on a free loopback port, with {@code /ready} and {@code /live} beside it.
     */
    public List<String> metricsUrls() {
        return List.of("http://127.0.0.1:" + coordinator.metricsPort() + "/metrics", "http://127.0.0.1:" + worker.metricsPort() + "/metrics");
    }

    @Override
    public void close() throws Exception {
        worker.close();
        coordinator.close();
        kafka.close();
        if (deleteData) EmbeddedKafka.deleteRecursively(dataDir);
    }
}
