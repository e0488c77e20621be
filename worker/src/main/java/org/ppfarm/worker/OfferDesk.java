package org.ppfarm.worker;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.ppfarm.farm.cluster.FarmCluster;
import org.ppfarm.proto.v1.JobOffer;
import org.ppfarm.proto.v1.TopicPartitionRef;
import org.ppfarm.proto.v1.WorkerState;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A worker's side of direct job offers (docs/farm.md, "Job offers"), on its cluster node: the inbox coordinators
 * offer jobs to, and the reporter that tells every coordinator (found through the receptionist) this worker's
 * {@link WorkerState} — its offer inbox, the jobs-topic partitions it owns, whether it is idle — whenever that
 * changes and every {@value #REPORT_EVERY_SECONDS} s.
 */
final class OfferDesk {
    static final int REPORT_EVERY_SECONDS = 5;

    /** What this worker is now, as the reporter asks for it. */
    record Snapshot(List<TopicPartitionRef> partitions, boolean idle) {}

    private sealed interface Msg permits Refresh, Tick, Coordinators {}
    private enum Refresh implements Msg { INSTANCE }
    private enum Tick implements Msg { INSTANCE }
    private record Coordinators(Set<ActorRef<WorkerState>> refs) implements Msg {}

    private final ActorRef<Msg> reporter;

    /**
     * @param offers receives each offered job (on the inbox actor's thread; it decides whether to take it)
     * @param now    the worker's state now
     */
    OfferDesk(ActorSystem<?> node, String workerId, Consumer<JobOffer> offers, Supplier<Snapshot> now) {
        ActorRef<JobOffer> inbox = node.systemActorOf(Behaviors.receiveMessage(o -> { offers.accept(o); return Behaviors.same(); }),
                "job-offers-" + workerId, Props.empty());
        String inboxName = ActorRefResolver.get(node).toSerializationFormat(inbox);
        this.reporter = node.systemActorOf(reporter(workerId, inboxName, now), "worker-state-" + workerId, Props.empty());
    }

    /** Tells the reporter the worker's state may have changed (it sends only a change). Cheap: one local message. */
    void refresh() { reporter.tell(Refresh.INSTANCE); }

    private static Behavior<Msg> reporter(String workerId, String inbox, Supplier<Snapshot> now) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            ActorRef<Receptionist.Listing> listings = ctx.messageAdapter(Receptionist.Listing.class,
                    l -> new Coordinators(new HashSet<>(l.getServiceInstances(FarmCluster.WORKER_STATES))));
            ctx.getSystem().receptionist().tell(Receptionist.subscribe(FarmCluster.WORKER_STATES, listings));
            timers.startTimerWithFixedDelay(Tick.INSTANCE, Duration.ofSeconds(REPORT_EVERY_SECONDS));
            Set<ActorRef<WorkerState>> coordinators = new HashSet<>();
            long[] seq = {System.currentTimeMillis() << 20}; // above any earlier incarnation's
            Snapshot[] sent = {null};
            return Behaviors.receive(Msg.class)
                    .onMessage(Coordinators.class, m -> {
                        coordinators.clear();
                        coordinators.addAll(m.refs());
                        sent[0] = null; // a new coordinator needs the state now
                        send(workerId, inbox, now.get(), seq, sent, coordinators);
                        return Behaviors.same();
                    })
                    .onMessage(Refresh.class, m -> {
                        Snapshot s = now.get();
                        if (!s.equals(sent[0])) send(workerId, inbox, s, seq, sent, coordinators);
                        return Behaviors.same();
                    })
                    .onMessage(Tick.class, m -> { send(workerId, inbox, now.get(), seq, sent, coordinators); return Behaviors.same(); })
                    .build();
        }));
    }

    private static void send(String workerId, String inbox, Snapshot s, long[] seq, Snapshot[] sent, Set<ActorRef<WorkerState>> to) {
        if (to.isEmpty()) return;
        WorkerState state = WorkerState.newBuilder().setWorkerId(workerId).setOfferInbox(inbox).addAllPartitions(s.partitions())
                .setIdle(s.idle()).setSeq(++seq[0]).build();
        for (ActorRef<WorkerState> c : to) c.tell(state);
        sent[0] = s;
    }
}
