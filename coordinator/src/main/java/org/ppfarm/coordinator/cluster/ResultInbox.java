package org.ppfarm.coordinator.cluster;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.ppfarm.coordinator.jobs.JobTracker;
import org.ppfarm.coordinator.metrics.FarmMetrics;
import org.ppfarm.proto.v1.JobEvent;

/**
 * A coordinator's result inbox: the actor workers of its Pekko cluster tell a job's terminal event to, beside writing
 * it to the events topic (the job record names the inbox, {@code JobRecord.result_inbox}). It passes each event to the
 * tracker as a {@link JobTracker.Notice}. Its messages are {@link JobEvent}s, which cross the cluster in Pekko's
 * protobuf serializer; an event that is not terminal is ignored (RUNNING goes through Kafka only).
 *
 * <p>Trust: whoever can reach the cluster port can tell this inbox, as whoever can write to the events topic can
 * report a result; both belong on the farm's private network (TLS for Artery and Kafka come with the security work).
 */
public final class ResultInbox {
    private ResultInbox() {}

    public static Behavior<JobEvent> create(ActorRef<JobTracker.Command> tracker, FarmMetrics metrics) {
        return Behaviors.receiveMessage(e -> {
            if (e.hasSucceeded() || e.hasFailed()) {
                metrics.noticed();
                tracker.tell(new JobTracker.Notice(e));
            }
            return Behaviors.same();
        });
    }
}
