package org.ppfarm.worker;

import org.ppfarm.farm.cluster.FarmCluster;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.Timestamps;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.ppfarm.farm.config.FarmConfigs;
import org.ppfarm.farm.jobs.JobStates;
import org.ppfarm.farm.kafka.StateFollower;
import org.ppfarm.farm.kafka.FarmTopics;
import org.ppfarm.farm.seal.InputSeal;
import org.ppfarm.proto.v1.JobError;
import org.ppfarm.proto.v1.JobEvent;
import org.ppfarm.proto.v1.JobOffer;
import org.ppfarm.proto.v1.JobRecord;
import org.ppfarm.proto.v1.TopicPartitionRef;
import org.ppfarm.worker.pipeline.EnginePipeline;
import org.ppfarm.worker.pipeline.ProvingPipeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A proving worker: a member of the workers' Kafka consumer group on the jobs topics and, given
 * {@code cluster.seed.nodes} (or the coordinator's node in an embedded farm), a node of the coordinators' Pekko cluster
 * with role worker, over which it takes jobs coordinators offer it while idle ({@link OfferDesk}, {@link OfferedJobs})
 * and tells each result straight to the coordinator that submitted the job ({@link ResultNotices}); Kafka stays the
 * durable record of both.
 *
 * <p>Threads: one consumer thread owns the KafkaConsumer (poll, pause/resume, commit); {@code worker.concurrency}
 * prover threads take fetched jobs from a local priority queue (high before normal before low, then arrival order)
 * and run {@link JobRunner}. Delivery is at-least-once: a job's offset is committed only after its result event is
 * acknowledged by Kafka, and only up to the first job of the partition that is not done, so a worker that dies
 * mid-job leaves the job to the next owner of the partition. Duplicate results this causes are dropped by the
 * coordinator (first terminal state wins); a worker also skips jobs the state topic already shows finished or
 * cancelled. Graceful {@link #close()} stops fetching, lets in-flight jobs finish within {@code shutdown.grace.ms},
 * commits, and leaves the group; queued jobs it did not start are handed back uncommitted.
 */
public final class Worker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    /** Longest a settled job's offset waits for its asynchronous commit in steady state. */
    static final long COMMIT_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final WorkerConfig config;
    private final String id;
    private final FarmTopics topics;
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final StateFollower stateFollower;
    /** Recently finished jobs, skipped if redelivered; bounded (see {@link RecentIds}), ~100 bytes each. */
    static final int FINISHED_JOBS_REMEMBERED = 1 << 20;
    private final Set<String> finishedJobs = new RecentIds(FINISHED_JOBS_REMEMBERED);
    private final ManagedChannel channel;
    private final JobRunner runner;
    private final ActorSystem<Void> ownNode; // this worker's own cluster node, if it started one
    private final OfferDesk offerDesk;       // null without a cluster node
    private final OfferedJobs offered = new OfferedJobs();
    /** Jobs-topic partitions assigned now; read by the offer inbox, written by the consumer thread. */
    private final Set<TopicPartition> owned = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Prover threads inside {@link JobRunner#run} now. */
    private final AtomicInteger proving = new AtomicInteger();
    /** {@link #owned} as coordinators are told it, rebuilt on rebalance only. */
    private volatile List<TopicPartitionRef> ownedRefs = List.of();
    private volatile boolean idleTold;
    private final WorkerMetrics metrics;
    private final HTTPServer metricsServer;

    private final PriorityBlockingQueue<Pending> queue = new PriorityBlockingQueue<>();
    private final ConcurrentLinkedQueue<Pending> done = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Pending> retry = new ConcurrentLinkedQueue<>();
    private final Map<TopicPartition, Offsets> offsets = new HashMap<>(); // consumer thread only
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong seq = new AtomicLong();
    private static final long FULL_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private final Thread consumerThread;
    private final List<Thread> provers = new ArrayList<>();
    private volatile boolean fetching = true;
    private volatile boolean running = true;

    /** A fetched job waiting for or held by a prover thread. */
    /** {@code offer}: null for a record fetched from Kafka; for a coordinator's offer, the stage its run completes. */
    record Pending(int rank, long seq, ConsumerRecord<String, byte[]> record, CompletableFuture<Boolean> offer) implements Comparable<Pending> {
        TopicPartition tp() { return new TopicPartition(record.topic(), record.partition()); }

        @Override
        public int compareTo(Pending o) {
            return rank != o.rank ? Integer.compare(rank, o.rank) : Long.compare(seq, o.seq);
        }
    }

    /** Offsets of one partition fetched and not yet done; commits advance to the first not-done offset. */
    private static final class Offsets {
        final TreeSet<Long> pending = new TreeSet<>();
        long next = -1, committed = -1;

        long commitPoint() { return pending.isEmpty() ? next : pending.first(); }
    }

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
     * {@link #Worker(WorkerConfig)}.
     */
    public Worker(WorkerConfig config, ProvingPipeline.Factory pipelines, ActorSystem<?> clusterNode) throws IOException {
        this.config = config;
        this.id = config.workerId();
        this.topics = FarmConfigs.topics(config);
        Map<String, Object> kafka = FarmConfigs.clientProps(config);

        Map<String, Object> c = new HashMap<>(kafka);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, id + "-jobs");
        c.put(ConsumerConfig.GROUP_ID_CONFIG, topics.prefix() + ".workers");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.getInt(WorkerConfig.PREFETCH));
        c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, config.getInt(WorkerConfig.SESSION_TIMEOUT_MS));
        c.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Math.max(200, config.getInt(WorkerConfig.SESSION_TIMEOUT_MS) / 5));
        c.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, config.getInt(WorkerConfig.MAX_POLL_INTERVAL_MS));
        c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, List.of(CooperativeStickyAssignor.class.getName()));
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 << 20);
        this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());

        this.producer = new KafkaProducer<>(FarmConfigs.producerProps(kafka, id + "-events"), new StringSerializer(), new ByteArraySerializer());

        // the status header decides; the value (a result carries its whole proof) is parsed only for an old record
        this.stateFollower = new StateFollower(kafka, id, topics.state(), (jobId, status, origin, job) -> {
            if (JobStates.terminal(status != null ? status : job.get().getStatus())) finishedJobs.add(jobId);
        }).start();

        String[] hp = config.getString(WorkerConfig.COORDINATOR_ADDRESS).split(":");
        this.channel = NettyChannelBuilder.forAddress(hp[0], Integer.parseInt(hp[1])).usePlaintext()
                .maxInboundMessageSize(8 << 20).build();
        PrometheusRegistry prometheus = new PrometheusRegistry();
        this.metrics = new WorkerMetrics(prometheus, () -> inFlight.get(), () -> queue.size());
        this.ownNode = clusterNode == null && !config.getList(FarmConfigs.CLUSTER_SEED_NODES).isEmpty()
                ? ActorSystem.create(Behaviors.empty(), FarmConfigs.CLUSTER_SYSTEM, FarmConfigs.pekkoConfig(config, FarmCluster.WORKER)) : null;
        ActorSystem<?> node = clusterNode != null ? clusterNode : ownNode;
        this.runner = new JobRunner(id, config.keyPair(), pipelines,
                new ArtifactFetcher(channel, Path.of(config.getString(WorkerConfig.CACHE_DIR))), finishedJobs, this::publish,
                node == null ? ResultNotices.NONE : new ResultNotices(node), offered, metrics, config.getLong(WorkerConfig.RUNNING_REPORT_DELAY_MS));
        int metricsPort = config.getInt(WorkerConfig.METRICS_PORT);
        this.metricsServer = metricsPort < 0 ? null : HTTPServer.builder().port(metricsPort).registry(prometheus).buildAndStart();

        this.consumerThread = Thread.ofPlatform().name(id + "-consumer").unstarted(this::consumeLoop);
        for (int i = 0; i < config.getInt(WorkerConfig.CONCURRENCY); i++)
            provers.add(Thread.ofPlatform().name(id + "-prover-" + i).unstarted(this::proveLoop));
        // last: its reporter reads the prover count from now on
        this.offerDesk = node == null ? null : new OfferDesk(node, id, this::offer, this::snapshot);
    }

    /** Starts consuming and proving. */
    public Worker start() {
        consumerThread.start();
        provers.forEach(Thread::start);
        log.info("worker {} started: {} prover thread(s), backend {}", id, provers.size(), runner.backend());
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
    public boolean clusterUp() {
        return ownNode != null && org.apache.pekko.cluster.typed.Cluster.get(ownNode).selfMember().status()
                == org.apache.pekko.cluster.MemberStatus.up();
    }

    private void consumeLoop() {
        int prefetch = config.getInt(WorkerConfig.PREFETCH);
        long lastCommit = System.nanoTime();
        long commits = 0;
        try {
            consumer.subscribe(topics.jobTopics(), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> parts) {
                    // not-started jobs of moved partitions go back to their new owner; in-flight ones finish here and
                    // may be proved twice (the coordinator keeps the first result)
                    dropQueued(x -> parts.contains(x.tp()));
                    drainDone();
                    commit(parts, true);
                    parts.forEach(offsets::remove);
                    owned.removeAll(parts);
                    partitionsChanged();
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> parts) {
                    parts.forEach(tp -> offsets.put(tp, new Offsets()));
                    owned.addAll(parts);
                    partitionsChanged();
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> parts) {
                    dropQueued(x -> parts.contains(x.tp()));
                    parts.forEach(offsets::remove);
                    owned.removeAll(parts);
                    partitionsChanged();
                }
            });
            while (running) {
                drainDone();
                // steady-state commits at most every COMMIT_INTERVAL_NANOS: a commit is a request to the group
                // coordinator, and one per poll under load costs more than the redelivery a crash could cause
                long now = System.nanoTime();
                if (now - lastCommit >= COMMIT_INTERVAL_NANOS) {
                    commit(offsets.keySet(), false);
                    lastCommit = now;
                    if (++commits % 600 == 0) offered.sweep(); // about once a minute
                }
                for (Pending r; (r = retry.poll()) != null; ) if (offsets.containsKey(r.tp())) queue.add(r);
                var assigned = consumer.assignment();
                boolean full = !fetching || queue.size() + inFlight.get() >= prefetch;
                if (full) consumer.pause(assigned);
                else consumer.resume(consumer.paused());
                // full: poll without waiting (rebalances and liveness still progress), then sleep until a job
                // settles (freeing a slot unparks this thread) rather than in poll, which nothing would wake: a
                // 20 ms poll per refill capped a saturated worker at about prefetch / 20 ms jobs per second
                var records = consumer.poll(full ? Duration.ZERO : Duration.ofMillis(20));
                if (full && records.isEmpty()) LockSupport.parkNanos(FULL_WAIT_NANOS);
                for (ConsumerRecord<String, byte[]> r : records) {
                    Offsets o = offsets.computeIfAbsent(new TopicPartition(r.topic(), r.partition()), k -> new Offsets());
                    o.pending.add(r.offset());
                    o.next = Math.max(o.next, r.offset() + 1);
                    queue.add(new Pending(topics.rank(r.topic()), seq.getAndIncrement(), r, null));
                }
            }
            drainDone();
            commit(offsets.keySet(), true);
        } catch (WakeupException e) {
            if (running) log.error("worker {}: consumer woken unexpectedly", id);
        } catch (RuntimeException e) {
            log.error("worker {}: consumer stopped: {}", id, e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void drainDone() {
        for (Pending d; (d = done.poll()) != null; ) {
            Offsets o = offsets.get(d.tp());
            if (o != null) o.pending.remove(d.record().offset());
        }
    }

    /**
     * Commits each partition up to its first job not done. Every offset committed belongs to a job whose terminal
     * event Kafka has acknowledged, so an asynchronous commit (the steady state: it keeps the consumer thread
     * fetching) that is lost in a crash only means those jobs are redelivered and their duplicate results dropped.
     * Rebalance and shutdown commit synchronously, so the next owner starts where this worker stopped.
     */
    private void commit(Collection<TopicPartition> parts, boolean sync) {
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        for (TopicPartition tp : parts) {
            Offsets o = offsets.get(tp);
            if (o == null || o.next < 0) continue;
            long point = o.commitPoint();
            if (point > o.committed) {
                commits.put(tp, new OffsetAndMetadata(point));
                o.committed = point;
            }
        }
        if (commits.isEmpty()) return;
        if (sync) consumer.commitSync(commits);
        else consumer.commitAsync(commits, (o, e) -> { if (e != null) log.debug("worker {}: async commit failed ({}); a later commit covers it", id, e.toString()); });
    }

    private void proveLoop() {
        while (running || inFlight.get() > 0 && !Thread.currentThread().isInterrupted()) {
            Pending p;
            try {
                if (!fetching) break; // shutting down: queued jobs are handed back, not started
                p = queue.poll(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (p == null) continue;
            inFlight.incrementAndGet(); // until the job's terminal event is acknowledged, not just until it is proved
            proving.incrementAndGet();
            refresh();
            Pending job = p;
            try {
                if (job.offer() != null) // no offset of its own: its record's Kafka copy is settled with it (OfferedJobs)
                    runner.run(p.record(), true).whenComplete((settled, e) -> {
                        offered.settled(job.record().key(), job.offer(), e == null && settled);
                        inFlight.decrementAndGet();
                        LockSupport.unpark(consumerThread);
                    });
                else runner.run(p.record(), false).whenComplete((settled, e) -> {
                    if (e == null && settled) done.add(job);
                    else retry.add(job);
                    inFlight.decrementAndGet();
                    LockSupport.unpark(consumerThread); // a slot is free: a full consumer may fetch again
                });
            } catch (InterruptedException e) {
                if (job.offer() != null) offered.settled(job.record().key(), job.offer(), false);
                else retry.add(job);
                inFlight.decrementAndGet();
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                log.error("worker {}: job at {}-{}@{} failed unexpectedly: {}", id, job.record().topic(), job.record().partition(),
                        job.record().offset(), e.toString());
                if (job.offer() != null) offered.settled(job.record().key(), job.offer(), false);
                else retry.add(job);
                inFlight.decrementAndGet();
            } finally {
                proving.decrementAndGet();
                refresh();
            }
        }
    }

    /**
     * A job a coordinator offered this worker (on the offer inbox's thread): taken if a prover is free, nothing is
     * queued, and the partition its record goes to is this worker's; otherwise dropped (its Kafka copy comes anyway).
     */
    private void offer(JobOffer o) {
        TopicPartition tp = new TopicPartition(o.getTopic(), o.getPartition());
        if (!fetching || !owned.contains(tp) || !queue.isEmpty() || proving.get() >= provers.size()) { metrics.offer(false); return; }
        JobRecord r;
        try {
            r = JobRecord.parseFrom(o.getRecord());
        } catch (InvalidProtocolBufferException e) {
            log.warn("worker {}: unreadable job offer dropped: {}", id, e.getMessage());
            return;
        }
        CompletableFuture<Boolean> run = finishedJobs.contains(r.getJobId()) ? null : offered.take(r.getJobId());
        metrics.offer(run != null);
        if (run == null) return;
        queue.add(new Pending(topics.rank(o.getTopic()), seq.getAndIncrement(),
                new ConsumerRecord<>(o.getTopic(), o.getPartition(), -1L, r.getJobId(), o.getRecord().toByteArray()), run));
        refresh();
    }

    /**
     * Removes queued jobs; an offered one gives its job up (a Kafka copy waiting on it is then tried again, or, for a
     * partition no longer ours, dropped with the partition).
     */
    private void dropQueued(java.util.function.Predicate<Pending> which) {
        queue.removeIf(x -> {
            if (!which.test(x)) return false;
            if (x.offer() != null) offered.settled(x.record().key(), x.offer(), false);
            return true;
        });
    }

    /** This worker's state for coordinators' job offers. */
    private OfferDesk.Snapshot snapshot() { return new OfferDesk.Snapshot(ownedRefs, idle()); }

    private boolean idle() { return fetching && queue.isEmpty() && proving.get() < provers.size(); }

    /**
     * Tells the offer desk when idleness flips: a local message per flip, none per job while the worker stays busy
     * (a missed flip is corrected by the desk's periodic report).
     */
    private void refresh() {
        boolean idle = idle();
        if (offerDesk == null || idle == idleTold) return;
        idleTold = idle;
        offerDesk.refresh();
    }

    private void partitionsChanged() {
        List<TopicPartitionRef> parts = new ArrayList<>();
        for (TopicPartition tp : owned) parts.add(TopicPartitionRef.newBuilder().setTopic(tp.topic()).setPartition(tp.partition()).build());
        parts.sort(java.util.Comparator.comparing(TopicPartitionRef::getTopic).thenComparingInt(TopicPartitionRef::getPartition));
        ownedRefs = List.copyOf(parts);
        if (offerDesk != null) offerDesk.refresh();
    }

    /** Publishes an event; the stage completes when Kafka has it (the caller commits only after). */
    private CompletionStage<Void> publish(JobEvent e) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(topics.events(), e.getJobId(), e.toByteArray()), (md, ex) -> {
            if (ex == null) f.complete(null);
            else f.completeExceptionally(ex);
        });
        return f;
    }

    /** Graceful shutdown: stop fetching, let in-flight jobs finish within the grace period, commit, leave the group. */
    @Override
    public void close() throws InterruptedException {
        fetching = false;
        dropQueued(x -> x.offer() != null); // not started: their Kafka copies go back uncommitted, like queued jobs
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.getLong(WorkerConfig.SHUTDOWN_GRACE_MS));
        while (inFlight.get() > 0 && System.nanoTime() < deadline) Thread.sleep(20);
        running = false;
        for (Thread t : provers) { t.interrupt(); t.join(10_000); }
        consumerThread.join(15_000);
        stateFollower.close();
        producer.close(Duration.ofSeconds(5));
        runner.close();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        if (metricsServer != null) metricsServer.close();
        if (ownNode != null) {
            ownNode.terminate(); // leaves the cluster (coordinated shutdown)
            try {
                ownNode.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                log.warn("worker {}: cluster node did not stop in time", id);
            }
        }
        log.info("worker {} stopped", id);
    }

    static JobEvent failed(String workerId, String jobId, Status.Code code, String message) {
        return JobEvent.newBuilder().setJobId(jobId).setWorkerId(workerId).setAt(Timestamps.fromMillis(System.currentTimeMillis()))
                .setFailed(JobError.newBuilder().setCode(code.value()).setMessage(message)).build();
    }

    static JobRecord parse(ConsumerRecord<String, byte[]> r) throws InvalidProtocolBufferException {
        return JobRecord.parseFrom(r.value());
    }

    static void zeroize(byte[] b) { InputSeal.zeroize(b); }
}
