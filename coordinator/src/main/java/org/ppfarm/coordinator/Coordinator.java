package org.ppfarm.coordinator;

import com.google.protobuf.util.Timestamps;
import org.ppfarm.farm.cluster.FarmCluster;
import org.ppfarm.farm.cluster.MemberHeartbeats;
import org.ppfarm.farm.health.FarmHealth;
import org.ppfarm.farm.health.NodeMetrics;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.ppfarm.coordinator.config.CoordinatorConfig;
import org.ppfarm.farm.cluster.NodeTls;
import org.ppfarm.farm.config.ClusterTls;
import org.ppfarm.farm.config.FarmConfigs;
import org.ppfarm.coordinator.grpc.ArtifactService;
import org.ppfarm.coordinator.grpc.MalformedRequests;
import org.ppfarm.coordinator.grpc.ProverService;
import org.ppfarm.coordinator.grpc.ServerTls;
import org.ppfarm.coordinator.grpc.Authenticator;
import org.ppfarm.coordinator.kafka.KafkaTenantLog;
import org.ppfarm.coordinator.tenants.Quotas;
import org.ppfarm.coordinator.tenants.TenantDirectory;
import org.ppfarm.coordinator.webhooks.WebhookDeliverer;
import org.ppfarm.coordinator.webhooks.WebhookSender;
import io.grpc.ServerInterceptors;
import org.ppfarm.coordinator.cluster.ClusterFormation;
import org.ppfarm.coordinator.cluster.ResultInbox;
import com.typesafe.config.Config;
import org.ppfarm.coordinator.cluster.WorkerDirectory;
import org.ppfarm.coordinator.inputs.PoolProtocolInputs;
import org.ppfarm.coordinator.inputs.ProtocolInputs;
import org.ppfarm.coordinator.jobs.JobLog;
import org.ppfarm.coordinator.jobs.JobSubmitter;
import org.ppfarm.coordinator.jobs.JobTracker;
import org.ppfarm.coordinator.jobs.QueuedJobs;
import org.ppfarm.coordinator.jobs.UnfinishedJobs;
import org.ppfarm.coordinator.jobs.UsageLedger;
import org.ppfarm.coordinator.kafka.EventFollower;
import org.ppfarm.coordinator.kafka.JobsReplay;
import org.ppfarm.coordinator.kafka.KafkaCircuitLog;
import org.ppfarm.coordinator.kafka.KafkaJobLog;
import org.ppfarm.coordinator.metrics.FarmMetrics;
import org.ppfarm.farm.kafka.StateFollower;
import org.ppfarm.farm.kafka.FarmTopics;
import org.ppfarm.coordinator.registry.CircuitRegistry;
import org.ppfarm.proto.v1.Job;
import org.ppfarm.proto.v1.JobEvent;
import org.ppfarm.proto.v1.JobStatus;
import org.ppfarm.proto.v1.ProverGrpc;
import org.ppfarm.proto.v1.TenantRecord;
import org.ppfarm.proto.v1.WorkerState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A coordinator node: a Pekko Cluster Typed member hosting the {@link JobTracker} and its {@link ResultInbox} (workers
 * of the cluster tell results there, see docs/farm.md "Result notices"), the gRPC API ({@code Prover}, health,
 * reflection), the {@code Artifacts} service workers fetch circuits from (a server of its own on
 * cluster.host:artifacts.port, the farm's private network: clients never reach it through the API's port), the
 * circuit registry (replicated through the registry topic), and the Kafka producer and followers. Start with {@link #start(CoordinatorConfig)} (a Netty
 * server on grpc.host:grpc.port) or {@link #start(CoordinatorConfig, ServerBuilder, ProtocolInputs)} (any server
 * builder for the API, e.g. in-process for tests). Every coordinator knows every job: a job's QUEUED state is written
 * to the state topic at its submission, its later states by whichever coordinator merges its worker's events, and
 * every coordinator follows that topic. Startup creates missing topics, replays the registry topic, replays the
 * state topic, then the jobs workers have not finished ({@link JobsReplay}), then merges the events already
 * on its partitions of the events topic, and only then serves, so a restarted coordinator answers for every job.
 *
 * <p>Its gRPC health ({@code ""} and {@code ppfarm.v1.Prover}) and, on the metrics port, {@code /ready} and
 * {@code /live} tell the truth ({@link FarmHealth}): SERVING only once startup is done, while Kafka answers and its
 * cluster node is Up, and not while it shuts down. If its cluster node is downed it never serves again: see
 * {@link #broken()}.
 */
public final class Coordinator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Coordinator.class);
    /** Largest request on the artifact port: a request is one hash (the artifacts go out in 1 MiB chunks). */
    private static final int ARTIFACT_REQUEST_MAX_BYTES = 4096;

    private final CoordinatorConfig config;
    private final String id;
    private final ActorSystem<JobTracker.Command> system;
    private final JobLog jobLog;
    private final StateFollower stateFollower;
    private final EventFollower eventFollower;
    private final ProverService prover;
    private final WebhookDeliverer webhooks;
    private final Server server;
    private final Server artifactsServer;
    private final HealthStatusManager health;
    private final FarmHealth farmHealth;
    private final CircuitRegistry registry;
    private final KafkaCircuitLog circuitLog;
    private final HTTPServer metricsServer;
    private final ExecutorService blocking;
    private final FarmMetrics metrics;
    private final WorkerDirectory workers; // null without job offers
    private final ServerTls tls;           // null: plaintext API
    private final NodeTls nodeTls;         // null: plaintext private network
    private final TenantDirectory tenants = new TenantDirectory();
    private final KafkaTenantLog tenantLog;

    private Coordinator(CoordinatorConfig config, ServerBuilder<?> serverBuilder, ServerTls tls, ProtocolInputs protocolInputs)
            throws IOException, InterruptedException {
        this.config = config;
        this.tls = tls;
        this.id = config.coordinatorId();
        Config pekkoConfig = ClusterFormation.pekkoConfig(config);
        ClusterFormation.checkEnvironment(config, pekkoConfig); // before anything is opened
        Map<String, Object> kafka = FarmConfigs.clientProps(config);
        FarmTopics topics = FarmConfigs.topics(config);
        long t0 = System.nanoTime();
        int jobsMaxMessageBytes;
        try (Admin admin = Admin.create(kafka)) {
            topics.ensure(admin, config.getInt(FarmConfigs.KAFKA_TOPIC_PARTITIONS), config.getShort(FarmConfigs.KAFKA_TOPIC_REPLICATION));
            // what the brokers take, not a setting of ours that could disagree: a job too large for it is refused at submit
            jobsMaxMessageBytes = KafkaJobLog.jobsTopicsMaxMessageBytes(admin, topics);
        }
        log.debug("topics ready after {} ms", (System.nanoTime() - t0) / 1_000_000);
        // the farm's circuits, replayed before serving: a job on a circuit registered at any coordinator is taken here
        this.circuitLog = new KafkaCircuitLog(kafka, id, topics);
        this.nodeTls = ClusterTls.nodeTls(config); // the farm's private network: the Artifacts port (reloaded) and peers' downloads
        this.registry = new CircuitRegistry(Path.of(config.getString(CoordinatorConfig.ARTIFACTS_DIR)),
                config.getLong(CoordinatorConfig.CIRCUIT_UPLOAD_MAX_BYTES), circuitLog, id, config.getList(CoordinatorConfig.ARTIFACTS_PEERS), nodeTls);
        circuitLog.follow(registry::learn);
        if (!circuitLog.awaitCaughtUp(Duration.ofSeconds(120)))
            throw new IllegalStateException("coordinator " + id + ": registry topic " + topics.circuits() + " not replayed within 120 s");
        log.debug("circuit registry replayed after {} ms", (System.nanoTime() - t0) / 1_000_000);
        // the farm's tenants and their key hashes, before serving: every key issued so far is answered
        this.tenantLog = new KafkaTenantLog(kafka, id, topics).follow(tenants);
        if (!tenantLog.awaitCaughtUp(Duration.ofSeconds(120)))
            throw new IllegalStateException("coordinator " + id + ": tenants topic " + topics.tenants() + " not replayed within 120 s");
        this.jobLog = new KafkaJobLog(kafka, id, topics,
                CoordinatorConfig.PARTITIONING_PIN_CIRCUIT.equals(config.getString(CoordinatorConfig.JOBS_PARTITIONING)), jobsMaxMessageBytes);
        PrometheusRegistry prometheus = new PrometheusRegistry();
        FarmMetrics metrics = new FarmMetrics(prometheus);
        // the events group's lag: what workers reported that no coordinator has merged yet
        this.farmHealth = new FarmHealth(id, kafka, Map.of(topics.prefix() + ".coordinators", List.of(topics.events())));
        NodeMetrics.register(prometheus, farmHealth);
        int metricsPort = config.getInt(CoordinatorConfig.METRICS_PORT);
        // first, so /live answers (and /ready says "starting") during a long replay
        this.metricsServer = metricsPort < 0 ? null : HTTPServer.builder().hostname(config.getString(CoordinatorConfig.GRPC_HOST))
                .port(metricsPort).registry(prometheus).defaultHandler(farmHealth.httpHandler()).buildAndStart();

        Duration retain = Duration.ofMillis(config.getLong(CoordinatorConfig.JOBS_FINISHED_RETAIN_MS));
        QueuedJobs queued = new QueuedJobs();
        metrics.watch(queued, Clock.systemUTC());
        UnfinishedJobs unfinished = new UnfinishedJobs();
        Quotas quotas = new Quotas(System::nanoTime, System::currentTimeMillis, unfinished);
        UsageLedger usage = new UsageLedger();
        Behavior<JobTracker.Command> tracker = JobTracker.create(job -> jobLog.publishState(job)
                .exceptionally(e -> { log.warn("cannot publish state of job {}: {}", job.getJobId(), e.toString()); return null; }), retain,
                Clock.systemUTC(), queued, unfinished, usage);
        this.system = ActorSystem.create(tracker, FarmConfigs.CLUSTER_SYSTEM, pekkoConfig);
        ClusterFormation.start(system, config);
        MemberHeartbeats.start(system, kafka, topics.members()); // the downing's witness; stops with the system
        farmHealth.watch(system, true);
        log.debug("actor system up after {} ms", (System.nanoTime() - t0) / 1_000_000);
        AtomicInteger blockingThreads = new AtomicInteger();
        this.blocking = Executors.newCachedThreadPool(r -> Thread.ofPlatform().daemon().name(id + "-blocking-" + blockingThreads.incrementAndGet()).unstarted(r));
        String inbox = "";
        if (config.getBoolean(CoordinatorConfig.JOBS_RESULT_NOTICES)) {
            ActorRef<JobEvent> ref = system.systemActorOf(ResultInbox.create(system, metrics), "results", Props.empty());
            inbox = ActorRefResolver.get(system).toSerializationFormat(ref);
        }
        this.metrics = metrics;
        WorkerDirectory offers = null;
        if (config.getBoolean(CoordinatorConfig.JOBS_OFFERS)) {
            ActorRefResolver resolver = ActorRefResolver.get(system);
            WorkerDirectory directory = new WorkerDirectory(resolver::resolveActorRef);
            ActorRef<WorkerState> states = system.systemActorOf(directory.receiver(), "worker-states", Props.empty());
            system.receptionist().tell(Receptionist.register(FarmCluster.WORKER_STATES, states));
            offers = directory;
        }
        this.workers = offers;
        JobSubmitter submitter = new JobSubmitter(registry, system, system.scheduler(), jobLog, config.sealPublicKey(), protocolInputs,
                metrics, blocking, inbox, offers, config.getBoolean(CoordinatorConfig.INPUTS_PLAINTEXT_ALLOWED) ? tenant -> true
                : tenants::plaintextAllowed);

        String self = jobLog.origin();
        this.stateFollower = new StateFollower(kafka, id, topics.state(), new StateFollower.Sink() {
            @Override
            public void accept(String jobId, JobStatus status, String origin, Supplier<Job> job) {
                // this incarnation's own writes come back here too: the tracker already has them (and parsing a
                // result record means parsing its proof), so only their status is told, for the order the tracker
                // checks (JobTracker.Recorded). No reply wanted: a tell, not an ask, per record.
                boolean own = self.equals(origin) && status != null;
                Job j = own ? null : job.get();
                system.tell(new JobTracker.Recorded(jobId, own ? status : j.getStatus(), j));
                // a job another coordinator (or this one's earlier incarnation) admitted: its tenant's jobs/s bucket
                // pays for it here too, so the quota holds farm-wide
                if (!own && j.getStatus() == JobStatus.JOB_STATUS_QUEUED) {
                    TenantRecord t = tenants.record(j.getTenant());
                    if (t != null) quotas.charge(t.getName(), t.getQuotas(), Timestamps.toMillis(j.getSubmittedAt()));
                }
            }

            @Override
            public void deleted(String jobId) { system.tell(new JobTracker.Forget(jobId)); }
        }).start();
        if (!stateFollower.awaitCaughtUp(Duration.ofSeconds(120)))
            throw new IllegalStateException("coordinator " + id + ": state topic " + topics.state() + " not replayed within 120 s");
        log.debug("state replayed after {} ms", (System.nanoTime() - t0) / 1_000_000);
        // after the state topic, so a finished job's terminal state is known before its record could say QUEUED
        try (Admin admin = Admin.create(kafka)) {
            int n = JobsReplay.replay(admin, kafka, id, topics, job -> system.tell(new JobTracker.Learn(job, null)), Duration.ofSeconds(120));
            log.debug("{} job records past the workers' committed offsets replayed after {} ms", n, (System.nanoTime() - t0) / 1_000_000);
        }
        int sessionTimeoutMs = config.getInt(CoordinatorConfig.SESSION_TIMEOUT_MS);
        this.eventFollower = new EventFollower(kafka, id, topics.prefix() + ".coordinators", sessionTimeoutMs, topics.events(),
                submitter::applyEvents, jobLog).start();
        // jobs that finished while no coordinator merged their events are known only from those events
        if (!eventFollower.awaitCaughtUp(Duration.ofSeconds(120)))
            log.warn("coordinator {}: events topic not caught up within 120 s; serving anyway (jobs that finished meanwhile "
                    + "are answered once their events are merged)", id);
        log.debug("events caught up after {} ms", (System.nanoTime() - t0) / 1_000_000);
        // one coordinator at a time delivers each job's webhook (a consumer group over the state topic)
        this.webhooks = new WebhookDeliverer(kafka, id, topics.prefix() + ".webhooks", sessionTimeoutMs, topics.state(), tenants,
                WebhookSender.system(Duration.ofSeconds(5), Duration.ofSeconds(10)), Duration.ofSeconds(1),
                job -> submitter.learn(job).thenCompose(x -> jobLog.publishState(job))).start();

        this.health = new HealthStatusManager();
        // "" defaults to SERVING: nothing serves before the farm's health says so
        health.setStatus("", ServingStatus.NOT_SERVING);
        health.setStatus(ProverGrpc.SERVICE_NAME, ServingStatus.NOT_SERVING);
        int maxMessage = config.getInt(CoordinatorConfig.GRPC_MAX_MESSAGE_BYTES);
        // the artifacts first: registrations (the clients' API) record where this coordinator serves them
        // with cluster TLS, only a node with a certificate from the farm's CA (a worker, a peer coordinator) is served
        InetSocketAddress artifactsAddress = new InetSocketAddress(config.getString(CoordinatorConfig.CLUSTER_HOST), config.getInt(CoordinatorConfig.ARTIFACTS_PORT));
        this.artifactsServer = (nodeTls == null ? NettyServerBuilder.forAddress(artifactsAddress)
                        : NettyServerBuilder.forAddress(artifactsAddress, TlsServerCredentials.newBuilder().keyManager(nodeTls.keys())
                                .trustManager(nodeTls.trust()).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE).build()))
                .directExecutor()
                .maxInboundMessageSize(ARTIFACT_REQUEST_MAX_BYTES)
                .handshakeTimeout(config.getLong(CoordinatorConfig.GRPC_HANDSHAKE_TIMEOUT_MS), TimeUnit.MILLISECONDS)
                .addService(MalformedRequests.guard(new ArtifactService(registry, blocking), ARTIFACT_REQUEST_MAX_BYTES))
                .build().start();
        registry.servingArtifactsAt(config.getString(CoordinatorConfig.CLUSTER_HOST) + ":" + artifactsServer.getPort());
        registry.publishLocal();
        // services run on the transport threads (no hop to an executor per call); what blocks goes to `blocking`;
        // a request that is not valid protobuf is refused in one log line, not gRPC's UNKNOWN and stack trace; a
        // connection that has not sent its HTTP/2 preface and settings within the handshake timeout is closed
        this.prover = new ProverService(submitter, registry, blocking, quotas, usage, tenants);
        this.server = serverBuilder
                .directExecutor()
                .maxInboundMessageSize(maxMessage)
                .handshakeTimeout(config.getLong(CoordinatorConfig.GRPC_HANDSHAKE_TIMEOUT_MS), TimeUnit.MILLISECONDS)
                .addService(ServerInterceptors.intercept(MalformedRequests.guard(prover, maxMessage),
                        new Authenticator(tenants, config.getBoolean(CoordinatorConfig.AUTH_REQUIRED),
                                CoordinatorConfig.CLIENT_TENANT_CN.equals(config.getString(CoordinatorConfig.GRPC_TLS_CLIENT_TENANT)), metrics)))
                .addService(MalformedRequests.guard(health.getHealthService(), maxMessage))
                .addService(MalformedRequests.guard(ProtoReflectionServiceV1.newInstance(), maxMessage))
                .build().start();
        farmHealth.onServingChange(serving -> {
            ServingStatus s = serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
            health.setStatus("", s);
            health.setStatus(ProverGrpc.SERVICE_NAME, s);
        });
        farmHealth.ready();
        log.info("coordinator {} serving on port {} (artifacts for workers on port {}) after {} ms{}", id, server.getPort(),
                artifactsServer.getPort(), (System.nanoTime() - t0) / 1_000_000,
                farmHealth.serving() ? "" : "; health NOT_SERVING: " + farmHealth.notServing());
    }

    /** Starts with a Netty server on grpc.host:grpc.port, with TLS if grpc.tls.* says so. */
    public static Coordinator start(CoordinatorConfig config) throws IOException, InterruptedException {
        return start(config, PoolProtocolInputs.INSTANCE);
    }

    /**
     * As {@link #start(CoordinatorConfig)}.
     *
     * @param protocolInputs builds circuit inputs from privacy-pool requests; null refuses such requests (UNIMPLEMENTED)
     */
    public static Coordinator start(CoordinatorConfig config, ProtocolInputs protocolInputs) throws IOException, InterruptedException {
        InetSocketAddress address = new InetSocketAddress(config.getString(CoordinatorConfig.GRPC_HOST), config.getInt(CoordinatorConfig.GRPC_PORT));
        ServerTls tls = ServerTls.of(config);
        try {
            return new Coordinator(config, tls == null ? NettyServerBuilder.forAddress(address)
                    : NettyServerBuilder.forAddress(address, tls.credentials()), tls, protocolInputs);
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (tls != null) tls.close();
            throw e;
        }
    }

    /**
     * Starts with the API on {@code serverBuilder} (an in-process one, for tests): plaintext, so grpc.tls.* must be unset.
     *
     * @param protocolInputs builds circuit inputs from privacy-pool requests; null refuses such requests (UNIMPLEMENTED)
     */
    public static Coordinator start(CoordinatorConfig config, ServerBuilder<?> serverBuilder, ProtocolInputs protocolInputs)
            throws IOException, InterruptedException {
        if (config.tls()) throw new IllegalArgumentException(CoordinatorConfig.GRPC_TLS_CERT_FILE
                + " is set: start(config, protocolInputs) builds the TLS server; a given server builder is plaintext");
        return new Coordinator(config, serverBuilder, null, protocolInputs);
    }

    /** The gRPC port actually bound (useful with grpc.port=0). */
    public int port() { return server.getPort(); }

    /** The port of the Artifacts service actually bound on cluster.host (useful with artifacts.port=0): workers' coordinator.address. */
    public int artifactsPort() { return artifactsServer.getPort(); }

    public String id() { return id; }

    public CircuitRegistry registry() { return registry; }

    /** The farm's tenants as this coordinator has read them from the tenants topic. */
    public TenantDirectory tenants() { return tenants; }

    /**
     * This node's actor system, for a worker in the same process to join the cluster as this node (the embedded
     * farm): its result notices are then local messages.
     */
    public ActorSystem<?> actorSystem() { return system; }

    /** Jobs this coordinator has offered straight to idle workers so far. */
    public long jobOffers() { return metrics.offers(); }

    /** Workers that have told this coordinator their state (for job offers); 0 without job offers. */
    public int knownWorkers() { return workers == null ? 0 : workers.size(); }

    /** Prover calls refused for their API key or right so far, by reason ({@code ppfarm_auth_failures_total}). */
    public long authFailures(String reason) { return metrics.authFailures(reason); }

    /**
     * Finished jobs this coordinator counted in {@code ppfarm_tenant_proofs_total} (outcome {@code succeeded} or
     * {@code failed}): one coordinator counts each job.
     */
    public long tenantProofs(String tenant, String circuit, String backend, String outcome) {
        return metrics.tenantProofs(tenant, circuit, backend, outcome);
    }

    /** Result notices workers have told this coordinator so far. */
    public long resultNotices() { return metrics.notices(); }

    /** The Pekko cluster address of this node. */
    public String clusterAddress() { return Cluster.get(system).selfMember().address().toString(); }

    /** Up members of this node's cluster with {@code role} (coordinator or worker), as this node sees them. */
    public int clusterMembers(String role) { return FarmHealth.upMembers(system, role); }

    /** Null while this coordinator serves (what its gRPC health and /ready say); else why not, in one line. */
    public String notServing() { return farmHealth.notServing(); }

    /**
     * Completes, with the reason in one line, if this coordinator's cluster node is downed or stops behind its back:
     * it then never serves again (health NOT_SERVING, /live failing). {@code ppfarm coordinator} exits non-zero on it;
     * a library user decides (close it, or start another).
     */
    public CompletableFuture<String> broken() { return farmHealth.broken(); }

    public boolean clusterUp() {
        return Cluster.get(system).selfMember().status() == MemberStatus.up();
    }

    /** The port of /metrics, or -1. */
    public int metricsPort() { return metricsServer == null ? -1 : metricsServer.getPort(); }

    @Override
    public void close() throws InterruptedException {
        farmHealth.draining();
        health.enterTerminalState();
        server.shutdown();
        artifactsServer.shutdown();
        prover.stopWaiting(); // waiting calls answered UNAVAILABLE: their clients resume at another coordinator
        if (!server.awaitTermination(10, TimeUnit.SECONDS)) server.shutdownNow();
        if (!artifactsServer.awaitTermination(10, TimeUnit.SECONDS)) artifactsServer.shutdownNow();
        blocking.shutdownNow();
        registry.close();
        circuitLog.close();
        tenantLog.close();
        webhooks.close();
        eventFollower.close();
        stateFollower.close();
        jobLog.close();
        system.terminate();
        AtomicReference<Throwable> err = new AtomicReference<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        system.getWhenTerminated().whenComplete((d, e) -> { err.set(e); done.complete(null); });
        try { done.get(20, TimeUnit.SECONDS); } catch (Exception e) { log.warn("actor system did not stop in time"); }
        farmHealth.close();
        if (metricsServer != null) metricsServer.close();
        if (tls != null) tls.close();
        if (nodeTls != null) nodeTls.close();
    }
}
