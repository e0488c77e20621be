package org.ppfarm.worker;

import com.google.protobuf.InvalidProtocolBufferException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.pekko.actor.typed.ActorSystem;
import org.ppfarm.farm.kafka.FarmTopics;
import org.ppfarm.proto.v1.JobOffer;
import org.ppfarm.proto.v1.JobRecord;
import org.ppfarm.proto.v1.TopicPartitionRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A worker's side of direct job offers (docs/farm.md, "Job offers"): which offered jobs it takes, how their runs
 * settle ({@link OfferedJobs}), and what it tells coordinators about itself (through the {@link OfferDesk} on its
 * cluster node): the jobs-topic partitions it owns and whether it is idle. Without a cluster node no offer comes, and
 * nothing is told. Thread-safe: offers arrive on the inbox actor's thread, ownership on the intake's consumer thread,
 * idleness on prover threads.
 */
final class Offers {
    private static final Logger log = LoggerFactory.getLogger(Offers.class);

    private final String workerId;
    private final FarmTopics topics;
    private final ProverPool pool;
    private final OfferedJobs offered;
    private final Set<String> finishedJobs;
    private final WorkerMetrics metrics;
    /** Jobs-topic partitions this worker owns now; written by the intake's consumer thread. */
    private volatile Set<TopicPartition> owned = Set.of();
    /** {@link #owned} as coordinators are told it, rebuilt on rebalance only. */
    private volatile List<TopicPartitionRef> ownedRefs = List.of();
    private volatile OfferDesk desk; // null until started on a cluster node
    private volatile boolean idleTold;

    Offers(String workerId, FarmTopics topics, ProverPool pool, OfferedJobs offered, Set<String> finishedJobs, WorkerMetrics metrics) {
        this.workerId = workerId;
        this.topics = topics;
        this.pool = pool;
        this.offered = offered;
        this.finishedJobs = finishedJobs;
        this.metrics = metrics;
    }

    /** Opens the offer inbox and starts telling coordinators this worker's state, on {@code node}; null: none. */
    void start(ActorSystem<?> node) {
        if (node != null) desk = new OfferDesk(node, workerId, this::offer, this::snapshot);
    }

    /**
     * A job a coordinator offered this worker (on the offer inbox's thread): taken if it would prove at once
     * ({@link ProverPool#idle()}) and the partition its record goes to is this worker's; otherwise dropped (its Kafka
     * copy comes anyway).
     * A job the state topic shows finished is not taken either.
     */
    void offer(JobOffer o) {
        if (!owned.contains(new TopicPartition(o.getTopic(), o.getPartition())) || !pool.idle()) { metrics.offer(false); return; }
        JobRecord r;
        try {
            r = JobRecord.parseFrom(o.getRecord());
        } catch (InvalidProtocolBufferException e) {
            log.warn("worker {}: unreadable job offer dropped: {}", workerId, e.getMessage());
            return;
        }
        CompletableFuture<Boolean> run = finishedJobs.contains(r.getJobId()) ? null : offered.take(r.getJobId());
        metrics.offer(run != null);
        if (run == null) return;
        // no offset of its own: its record's Kafka copy is settled with it (OfferedJobs)
        pool.add(topics.rank(o.getTopic()), new ConsumerRecord<>(o.getTopic(), o.getPartition(), -1L, r.getJobId(), o.getRecord().toByteArray()), run);
    }

    /** An offered job's run ended: {@code ended}, its Kafka copy publishes the run's event; otherwise the copy is proved. */
    void settled(ProverPool.Pending job, boolean ended) { offered.settled(job.record().key(), job.offer(), ended); }

    /** The partitions this worker owns changed (on the intake's consumer thread). */
    void owned(Set<TopicPartition> now) {
        List<TopicPartitionRef> parts = new ArrayList<>();
        for (TopicPartition tp : now) parts.add(TopicPartitionRef.newBuilder().setTopic(tp.topic()).setPartition(tp.partition()).build());
        parts.sort(Comparator.comparing(TopicPartitionRef::getTopic).thenComparingInt(TopicPartitionRef::getPartition));
        owned = now;
        ownedRefs = List.copyOf(parts);
        OfferDesk d = desk;
        if (d != null) d.refresh();
    }

    /**
     * Tells the offer desk when idleness flips: a local message per flip, none per job while the worker stays busy
     * (a missed flip is corrected by the desk's periodic report).
     */
    void idleMayHaveChanged() {
        OfferDesk d = desk;
        boolean idle = pool.idle();
        if (d == null || idle == idleTold) return;
        idleTold = idle;
        d.refresh();
    }

    /** This worker's state for coordinators' job offers. */
    private OfferDesk.Snapshot snapshot() { return new OfferDesk.Snapshot(ownedRefs, pool.idle()); }
}
