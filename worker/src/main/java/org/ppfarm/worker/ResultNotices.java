package org.ppfarm.worker;

import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.ppfarm.proto.v1.JobEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Tells a job's terminal event to the result inbox its job record names ({@code JobRecord.result_inbox}), beside the
 * event's write to Kafka: the submitting coordinator answers a waiting client as soon as the proof is verified,
 * without the Kafka round trip, while Kafka stays the durable record that offsets, restarts and other coordinators
 * rely on. Best effort: a notice is sent only to a coordinator that is an Up member of this worker's Pekko cluster,
 * and a lost one costs only latency (the Kafka copy follows). Without a cluster node ({@link #NONE}) nothing is sent.
 * Thread-safe.
 */
final class ResultNotices {
    private static final Logger log = LoggerFactory.getLogger(ResultNotices.class);
    private static final int MAX_CACHED = 64;

    static final ResultNotices NONE = new ResultNotices(() -> null);

    private final Supplier<ActorSystem<?>> node;
    private final ConcurrentHashMap<String, ActorRef<JobEvent>> inboxes = new ConcurrentHashMap<>();

    /**
     * @param node this worker's Pekko cluster node (its own, or the coordinator's in an embedded farm), asked at each
     *             notice: null while it has none (not started, or no cluster), and then nothing is sent
     */
    ResultNotices(Supplier<ActorSystem<?>> node) { this.node = node; }

    /** Tells {@code terminal} to {@code inbox} if that coordinator is reachable in the cluster; never throws. */
    void send(String inbox, JobEvent terminal) {
        ActorSystem<?> system = node.get();
        if (system == null || inbox.isEmpty()) return;
        try {
            ActorRef<JobEvent> ref = inboxes.get(inbox);
            if (ref == null) {
                if (inboxes.size() >= MAX_CACHED) inboxes.clear(); // one entry per coordinator incarnation
                ref = ActorRefResolver.get(system).resolveActorRef(inbox);
                inboxes.put(inbox, ref);
            }
            Address at = ref.path().address();
            if (at.hasLocalScope() || up(system, at)) ref.tell(terminal);
        } catch (RuntimeException e) {
            log.debug("job {}: result notice not sent ({}); Kafka carries the result", terminal.getJobId(), e.toString());
        }
    }

    /** Whether a node at {@code address} is an Up member: no notices to a coordinator that is gone or not yet joined. */
    private static boolean up(ActorSystem<?> system, Address address) {
        if (address.equals(Cluster.get(system).selfMember().address())) return true;
        for (Member m : Cluster.get(system).state().getMembers())
            if (m.address().equals(address)) return m.status() == MemberStatus.up();
        return false;
    }
}
