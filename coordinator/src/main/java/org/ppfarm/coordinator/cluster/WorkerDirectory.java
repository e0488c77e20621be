package org.ppfarm.coordinator.cluster;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.ppfarm.coordinator.jobs.JobOffers;
import org.ppfarm.proto.v1.JobOffer;
import org.ppfarm.proto.v1.TopicPartitionRef;
import org.ppfarm.proto.v1.WorkerState;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * What a coordinator knows of the workers in its cluster, for direct job offers (docs/farm.md, "Job offers"): each
 * worker's offer inbox, the jobs-topic partitions it owns and whether it is idle, as the worker last told it
 * ({@link WorkerState}, through the actor {@link #receiver}). {@link #claim} picks an idle worker that owns a partition
 * of a topic and counts it busy until it tells a newer state, so one idle prover gets one offer. A worker that has
 * not told its state for {@value #STALE_MILLIS} ms (it sends one every few seconds) is forgotten. Thread-safe.
 */
public final class WorkerDirectory implements JobOffers {
    static final long STALE_MILLIS = 15_000;

    /** Where an offered job goes: the worker's inbox and the partition its record is written to. */
    public record Claim(ActorRef<JobOffer> inbox, String worker, int partition) implements JobOffers.Claim {
        @Override
        public void offer(JobOffer offer) { inbox.tell(offer); }
    }

    private record Entry(WorkerState state, ActorRef<JobOffer> inbox, long at, boolean claimed) {}

    private final Function<String, ActorRef<JobOffer>> resolve;
    private final Map<String, Entry> workers = new HashMap<>();
    private int next; // rotates which idle worker is tried first

    /** @param resolve turns a worker's offer_inbox into an actor reference */
    public WorkerDirectory(Function<String, ActorRef<JobOffer>> resolve) { this.resolve = resolve; }

    /** The actor workers tell their state to; register it with the receptionist under the coordinators' key. */
    public Behavior<WorkerState> receiver() {
        return Behaviors.receiveMessage(s -> { update(s, System.currentTimeMillis()); return Behaviors.same(); });
    }

    synchronized void update(WorkerState s, long now) {
        Entry old = workers.get(s.getWorkerId());
        if (old != null && old.state().getSeq() >= s.getSeq()) return; // a late, older state
        ActorRef<JobOffer> inbox = old != null && old.state().getOfferInbox().equals(s.getOfferInbox())
                ? old.inbox() : resolve.apply(s.getOfferInbox());
        workers.put(s.getWorkerId(), new Entry(s, inbox, now, false));
    }

    @Override
    public Claim claim(String topic) { return claim(topic, System.currentTimeMillis()); }

    synchronized Claim claim(String topic, long now) {
        workers.values().removeIf(e -> now - e.at() > STALE_MILLIS);
        if (workers.isEmpty()) return null;
        Entry[] all = workers.values().toArray(Entry[]::new);
        next = (next + 1) % all.length;
        for (int i = 0; i < all.length; i++) {
            Entry e = all[(next + i) % all.length];
            if (e.claimed() || !e.state().getIdle()) continue;
            for (TopicPartitionRef p : e.state().getPartitionsList()) {
                if (!p.getTopic().equals(topic)) continue;
                workers.put(e.state().getWorkerId(), new Entry(e.state(), e.inbox(), e.at(), true));
                return new Claim(e.inbox(), e.state().getWorkerId(), p.getPartition());
            }
        }
        return null;
    }

    /** Workers known now (not stale). */
    public synchronized int size() { return workers.size(); }
}
