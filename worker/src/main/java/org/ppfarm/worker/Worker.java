package org.ppfarm.worker;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.apache.pekko.actor.typed.ActorSystem;
import org.ppfarm.farm.cluster.FarmCluster;
import org.ppfarm.farm.cluster.MemberHeartbeats;
import org.ppfarm.farm.cluster.NodeTls;
import org.ppfarm.farm.config.ClusterTls;
import org.ppfarm.farm.config.FarmConfigs;
import org.ppfarm.farm.health.FarmHealth;
import org.ppfarm.farm.health.NodeMetrics;
import org.ppfarm.farm.jobs.JobStates;
import org.ppfarm.farm.kafka.FarmTopics;
import org.ppfarm.farm.kafka.StateFollower;
import org.ppfarm.worker.pipeline.EnginePipeline;
import org.ppfarm.worker.pipeline.ProvingPipeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A proving worker: a member of the workers' Kafka consumer group on the jobs topics and, given
 * {@code cluster.seed.nodes} (or the coordinator's node in an embedded farm), a node of the coordinators' Pekko cluster
 * with role worker, over which it takes jobs coordinators offer it while idle and tells each result straight to the
 * coordinator that submitted the job ({@link ResultNotices}); Kafka stays the durable record of both.
 *
 * <p>This class is the worker's lifecycle; each part has one job:
 * <ul>
 * <li>{@link JobIntake}: the consumer thread — group membership, fetching into the prefetch window, offset commits
 *     (at-least-once: a job's offset is committed only after its terminal event is durable, and only up to the first
 *     job of its partition that is not done);
 * <li>{@link ProverPool}: {@code worker.concurrency} prover threads over a local priority queue (high before normal
 *     before low, then arrival order), each running {@link JobRunner};
 * <li>{@link Offers}, {@link OfferDesk}, {@link OfferedJobs}: offered jobs taken while idle, and the worker's state
 *     told to coordinators, on its {@link ClusterNode};
 * <li>a {@link StateFollower} on the state topic: finished and cancelled jobs are skipped ({@link RecentIds});
 * <li>{@link EventProducer}: job events to Kafka.
 * </ul>
 * The constructor builds the parts, reading the configuration once; {@link #start()} starts them, the skip list and
 * the event producer before the cluster node and the provers, and the intake last. Graceful {@link #close()} stops in
 * reverse: it stops fetching and starting jobs, lets in-flight jobs finish within {@code shutdown.grace.ms}, commits,
 * and leaves the group and the cluster; queued jobs it did not start are handed back uncommitted.
 *
 * <p>Its health ({@link FarmHealth}: Kafka answers, its cluster node is Up, started and not draining) is served as
 * {@code /ready} and {@code /live} on the metrics port; a worker whose own cluster node is downed never serves again
 * ({@link #broken()}).
 */
public final class Worker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    /** Recently finished jobs, skipped if redelivered; bounded (see {@link RecentIds}), ~100 bytes each. */
    static final int FINISHED_JOBS_REMEMBERED = 1 << 20;

    private final String id;
    private final long shutdownGraceMillis;
    private final String metricsHost;
    private final int metricsPort; // -1: none
    private final StateFollower stateFollower;
    private final EventProducer events;
    private final ArtifactFetcher artifacts;
    private final NodeTls nodeTls; // null: plaintext private network
    private final ClusterNode node;
    /** What its node's heartbeats need, kept until {@link #start()} starts the node. */
    private record HeartbeatSettings(Map<String, Object> kafka, String topic) {}
    private final HeartbeatSettings heartbeats;
    private final WorkerMetrics metrics;
    private final FarmHealth health;
    private final JobRunner runner;
    private final ProverPool pool;
    private final Offers offers;
    private final JobIntake intake;
    private HTTPServer metricsServer;

    /**
     * A worker proving with the production pipeline ({@link EnginePipeline}); it joins the Pekko cluster of
     * {@code cluster.seed.nodes} as a node of its own (role worker), or none if that list is empty.
     */
    public Worker(WorkerConfig config) throws IOException {
        this(config, new EnginePipeline.Factory(config.engineOptions()), null);
    }

    /**
     * A worker proving with {@code pipelines} (benchmarks and tests pass their own; production uses
     * {@link EnginePipeline}) on {@code clusterNode}, an actor system already in the farm's cluster (the
     * coordinator's, in an embedded farm, where result notices are then local messages); null: as
     * {@link #Worker(WorkerConfig)}. Nothing runs until {@link #start()}.
     */
    public Worker(WorkerConfig config, ProvingPipeline.Factory pipelines, ActorSystem<?> clusterNode) throws IOException {
        this.id = config.workerId();
        this.shutdownGraceMillis = config.getLong(WorkerConfig.SHUTDOWN_GRACE_MS);
        this.metricsHost = config.getString(WorkerConfig.METRICS_HOST);
        this.metricsPort = config.getInt(WorkerConfig.METRICS_PORT);
        FarmTopics topics = FarmConfigs.topics(config);
        Map<String, Object> kafka = FarmConfigs.clientProps(config);

        Set<String> finishedJobs = new RecentIds(FINISHED_JOBS_REMEMBERED);
        // the status header decides; the value (a result carries its whole proof) is parsed only for an old record
        this.stateFollower = new StateFollower(kafka, id, topics.state(), (jobId, status, origin, job) -> {
            if (JobStates.terminal(status != null ? status : job.get().getStatus())) finishedJobs.add(jobId);
        });
        this.events = new EventProducer(kafka, id, topics.events());
        this.heartbeats = new HeartbeatSettings(kafka, topics.members());
        this.node = new ClusterNode(config.getList(FarmConfigs.CLUSTER_SEED_NODES).isEmpty() ? null
                : FarmConfigs.pekkoConfig(config, FarmCluster.WORKER), clusterNode);
        PrometheusRegistry prometheus = new PrometheusRegistry();
        this.metrics = new WorkerMetrics(prometheus);
        this.nodeTls = ClusterTls.nodeTls(config); // its certificate to the coordinators' Artifacts port, reloaded
        this.artifacts = new ArtifactFetcher(config.coordinators(), Path.of(config.getString(WorkerConfig.CACHE_DIR)), metrics::fetched, nodeTls);
        // the workers' group lag: jobs on the jobs topics no worker has finished yet
        this.health = new FarmHealth(id, kafka, Map.of(JobIntake.group(topics), topics.jobTopics()));
        NodeMetrics.register(prometheus, health);
        OfferedJobs offered = new OfferedJobs();
        this.runner = new JobRunner(id, new JobRunner.Collaborators(
                new ResidentCircuits(pipelines, artifacts),
                config.keyPair(), events, new ResultNotices(node::system), finishedJobs, offered, metrics),
                config.getLong(WorkerConfig.RUNNING_REPORT_DELAY_MS));
        this.pool = new ProverPool(id, config.getInt(WorkerConfig.CONCURRENCY), config.getInt(WorkerConfig.PROVING_SLOTS),
                runner::run, new PoolListener());
        metrics.watch(pool);
        if (pipelines.prover() != null) metrics.watch(pipelines.prover());
        this.offers = new Offers(id, topics, pool, offered, finishedJobs, metrics);
        this.intake = new JobIntake(id, kafka, topics, new JobIntake.Settings(config.getInt(WorkerConfig.PREFETCH),
                config.getInt(WorkerConfig.SESSION_TIMEOUT_MS), config.getInt(WorkerConfig.MAX_POLL_INTERVAL_MS)), pool, offers::owned);
    }

    /** Where the prover pool's outcomes go: fetched jobs to the intake's offsets, offered ones to their Kafka copies. */
    private final class PoolListener implements ProverPool.Listener {
        @Override
        public void ended(ProverPool.Pending job, boolean settled) {
            if (job.offered()) offers.settled(job, settled);
            else intake.ended(job, settled);
        }

        @Override public void slotFreed() { intake.wake(); }

        @Override public void idleMayHaveChanged() { offers.idleMayHaveChanged(); }
    }

    /**
     * Starts the parts: the metrics endpoint (a port in use fails here, before anything runs), the skip list, the
     * event producer, the cluster node and offers, the provers, then fetching; then it is ready.
     */
    public Worker start() throws IOException {
        if (metricsPort >= 0) metricsServer = metrics.serve(metricsHost, metricsPort, health.httpHandler());
        stateFollower.start();
        events.start();
        ActorSystem<?> clusterNode = node.start();
        if (clusterNode != null) health.watch(clusterNode, node.ownsNode());
        // its own node's heartbeat on Kafka, the downing's witness (an embedded worker's node is the coordinator's)
        if (clusterNode != null && node.ownsNode()) MemberHeartbeats.start(clusterNode, heartbeats.kafka(), heartbeats.topic());
        offers.start(clusterNode);
        pool.start();
        intake.start();
        try {
            health.ready();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("worker {} started: {} prover thread(s), backend {}", id, pool.threads(), runner.backend());
        return this;
    }

    public String id() { return id; }

    /** Proofs this worker has made so far (every circuit; a job proved twice counts twice). */
    public long proofsMade() { return metrics.proofs(); }

    /** Jobs this worker has taken from coordinators' direct offers so far. */
    public long offersTaken() { return metrics.offersTaken(); }

    /**
     * Whether this worker's own cluster node (see {@link #Worker(WorkerConfig)}) is an Up member, so its result
     * notices are sent; false if it runs none.
     */
    public boolean clusterUp() { return node.up(); }

    /** The port of /metrics, /ready and /live, or -1. */
    public int metricsPort() { return metricsServer == null ? -1 : metricsServer.getPort(); }

    /** Null while this worker serves (what its /ready says); else why not, in one line. */
    public String notServing() { return health.notServing(); }

    /**
     * Completes, with the reason in one line, if this worker's own cluster node is downed or stops behind its back: it
     * then never serves again (/ready and /live fail). {@code ppfarm worker} exits non-zero on it.
     */
    public CompletableFuture<String> broken() { return health.broken(); }

    /**
     * Graceful shutdown: stop fetching and starting jobs (queued ones are handed back uncommitted), let in-flight jobs
     * finish within the grace period, commit, leave the group, then stop the rest and leave the cluster.
     */
    @Override
    public void close() throws InterruptedException {
        health.draining();
        pool.stopTaking();
        intake.stopFetching();
        pool.awaitInFlight(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(shutdownGraceMillis));
        pool.stop();
        intake.close();
        stateFollower.close();
        events.close();
        runner.close();
        artifacts.close();
        if (nodeTls != null) nodeTls.close();
        if (metricsServer != null) metricsServer.close();
        node.close();
        health.close();
        log.info("worker {} stopped", id);
    }
}
